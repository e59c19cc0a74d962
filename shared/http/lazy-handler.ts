/**
 * A Lambda handler whose implementation is a module loaded on the first invocation, not with the
 * handler module. The api and interactive functions keep their composition root (the SDK clients
 * every request needs) in the handler module and load the route table, its zod schemas, the
 * operations and the use cases here: zod's classic API and every schema of the route table would
 * otherwise be ~0.8x of an SQS-only cold import on their own (BENCHMARKS.md, section 2).
 * test/unit/cold-start-imports.test.ts keeps them out of the handler modules' static imports.
 */
export function lazyHandler<E, C, R>(load: () => Promise<(event: E, context: C) => Promise<R>>): (event: E, context: C) => Promise<R> {
  let impl: Promise<(event: E, context: C) => Promise<R>> | undefined;
  return async (event, context) => {
    const h = await (impl ??= load().catch((err: unknown) => {
      impl = undefined; // a failed load is tried again on the next invocation
      throw err;
    }));
    return h(event, context);
  };
}
