/** Cursors: opaque, bound to their list, and no string is anything but a valid position or a 400. */
import fc from 'fast-check';
import { decodeCursor, encodeCursor, InvalidCursorError } from '../../shared/adapters/aws/cursor';

const KEYS = ['pk', 'sk'];
const LIST = ['config', null, 'pk = :pk', null, { ':pk': 'apikey' }, true];
const OTHER = ['config', null, 'pk = :pk', null, { ':pk': 'audit' }, false];

describe('cursor', () => {
  it('answers any string with a position of this list or invalid_cursor, never another error (2,000 strings)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.base64String(), fc.json().map((j) => Buffer.from(j).toString('base64url'))), (s) => {
        try {
          const key = decodeCursor(s, KEYS, LIST, { pk: 'apikey' });
          if (key !== undefined) expect(key.pk).toBe('apikey');
        } catch (err) {
          expect(err).toBeInstanceOf(InvalidCursorError);
          expect((err as InvalidCursorError).status).toBe(400);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('round-trips every key it issued, and the same key is refused by any other list or after any edit (500 keys)', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 300 }), fc.nat(), (sk, at) => {
        const cursor = encodeCursor({ pk: 'apikey', sk }, LIST)!;
        expect(decodeCursor(cursor, KEYS, LIST, { pk: 'apikey' })).toEqual({ pk: 'apikey', sk });
        expect(() => decodeCursor(cursor, KEYS, OTHER, { pk: 'audit' })).toThrow(InvalidCursorError);
        const i = at % cursor.length;
        const edited = cursor.slice(0, i) + (cursor[i] === 'A' ? 'B' : 'A') + cursor.slice(i + 1);
        expect(() => decodeCursor(edited, KEYS, LIST, { pk: 'apikey' })).toThrow(InvalidCursorError);
      }),
      { numRuns: 500 },
    );
  });

  it('refuses a well-tagged cursor whose partition is not the list one', () => {
    const forged = encodeCursor({ pk: 'audit', sk: 'x' }, LIST)!;
    expect(() => decodeCursor(forged, KEYS, LIST, { pk: 'apikey' })).toThrow(InvalidCursorError);
  });
});
