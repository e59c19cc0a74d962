/**
 * A modal dialog: focus moves into it, Tab and Shift+Tab stay inside, Escape closes it, and focus
 * returns to the control that opened it. Built on <dialog>.showModal() (the page behind is inert).
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useId, useRef } from 'preact/hooks';

const FOCUSABLE = 'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

export function Dialog(p: { open: boolean; title: string; onClose: () => void; children: ComponentChildren; actions?: ComponentChildren }) {
  const ref = useRef<HTMLDialogElement>(null);
  const opener = useRef<HTMLElement | null>(null);
  const id = useId();
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (p.open && !d.open) {
      opener.current = document.activeElement as HTMLElement | null;
      d.showModal();
      (d.querySelector<HTMLElement>('[autofocus]') ?? d.querySelector<HTMLElement>(FOCUSABLE))?.focus();
    } else if (!p.open && d.open) {
      d.close();
    }
    if (!p.open && opener.current) {
      const o = opener.current;
      opener.current = null;
      o.focus();
      // After the browser's own focus fixup for the closed dialog, so the opener keeps focus.
      requestAnimationFrame(() => o.isConnected && document.activeElement !== o && o.focus());
    }
  }, [p.open]);
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key !== 'Tab' || !ref.current) return;
    const items = [...ref.current.querySelectorAll<HTMLElement>(FOCUSABLE)];
    if (!items.length) return;
    const first = items[0];
    const last = items[items.length - 1];
    if (e.shiftKey && document.activeElement === first) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && document.activeElement === last) {
      e.preventDefault();
      first.focus();
    }
  };
  return (
    <dialog
      ref={ref}
      aria-labelledby={`${id}-t`}
      onKeyDown={onKeyDown}
      onCancel={(e) => {
        e.preventDefault();
        p.onClose();
      }}
    >
      {p.open && (
        <>
          <h2 id={`${id}-t`}>{p.title}</h2>
          <div class="dialog-body">{p.children}</div>
          <div class="dialog-actions">
            {p.actions}
            <button type="button" onClick={p.onClose}>
              {p.actions ? 'Cancel' : 'Close'}
            </button>
          </div>
        </>
      )}
    </dialog>
  );
}
