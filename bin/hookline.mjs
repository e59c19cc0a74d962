#!/usr/bin/env node
// npx hookline: runs bin/hookline.ts through tsx (a dependency), on whatever Node >= 20 runs this.
import { register } from 'tsx/esm/api';
register();
await import('./hookline.ts');
