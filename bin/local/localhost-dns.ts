import dns from 'node:dns';

/**
 * Resolves `*.localhost` to 127.0.0.1 in this process. fauxqs answers with queue URLs like
 * `http://sqs.us-east-1.localhost:PORT/...`, the SDK sends to the queue URL's host, and glibc
 * does not resolve subdomains of localhost. Only the local stack and the tests call this.
 */
export function resolveLocalhostSubdomains(): void {
  const original = dns.lookup as (...args: any[]) => void;
  if ((original as { hooklinePatched?: boolean }).hooklinePatched) return;
  const patched = (name: string, options: any, callback?: any) => {
    const cb = typeof options === 'function' ? options : callback;
    const opts = typeof options === 'function' ? {} : typeof options === 'number' ? { family: options } : (options ?? {});
    if (typeof name === 'string' && name.endsWith('.localhost')) {
      if (opts.all) cb(null, [{ address: '127.0.0.1', family: 4 }]);
      else cb(null, '127.0.0.1', 4);
      return;
    }
    original(name, options, callback);
  };
  (patched as { hooklinePatched?: boolean }).hooklinePatched = true;
  (dns as { lookup: unknown }).lookup = patched;
}
