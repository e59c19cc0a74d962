// Every test worker: resolve fauxqs's *.localhost queue URLs, as the local stack does.
import { resolveLocalhostSubdomains } from '../../bin/local/localhost-dns';

resolveLocalhostSubdomains();
