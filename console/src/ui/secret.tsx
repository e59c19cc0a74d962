/**
 * A secret shown once: after a create or rotate answer, the full value is handed to the next page
 * in memory only (never a URL or history state), shown with a copy button, and gone on reload.
 */
import { CopyButton } from './page';

let pending: { id: string; label: string; value: string } | null = null;

/** Keeps `value` for the page of resource `id` to show once. */
export function revealOnce(id: string, label: string, value: string): void {
  pending = { id, label, value };
}

/** Takes the value kept for `id`, if any (a second call returns null). */
export function takeRevealed(id: string): { label: string; value: string } | null {
  if (!pending || pending.id !== id) return null;
  const p = pending;
  pending = null;
  return p;
}

export function SecretOnce({ label, value }: { label: string; value: string }) {
  return (
    <div class="secret-once" role="status">
      <p>
        <strong>{label}</strong>: shown once. Copy it now; afterwards only its last characters are shown.
      </p>
      <code class="secret-value">{value}</code> <CopyButton text={value} label={`Copy ${label}`} />
    </div>
  );
}
