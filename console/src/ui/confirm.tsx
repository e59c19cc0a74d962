/** A button that asks for confirmation in a dialog before running a (destructive) action. */
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { Dialog } from './dialog';
import { useAction } from './hooks';
import { Busy, ErrorBox } from './page';

export function ConfirmButton(p: { label: string; title: string; confirm: string; danger?: boolean; disabled?: boolean; children: ComponentChildren; onConfirm: () => Promise<unknown>; class?: string }) {
  const [open, setOpen] = useState(false);
  const act = useAction(p.onConfirm);
  return (
    <>
      <button type="button" class={p.class ?? (p.danger ? 'danger' : undefined)} disabled={p.disabled} onClick={() => (act.clear(), setOpen(true))}>
        {p.label}
      </button>
      <Dialog
        open={open}
        title={p.title}
        onClose={() => setOpen(false)}
        actions={
          <Busy
            class={p.danger ? 'danger' : 'primary'}
            busy={act.busy}
            onClick={async () => {
              if (await act.run()) setOpen(false);
            }}
          >
            {p.confirm}
          </Busy>
        }
      >
        {p.children}
        <ErrorBox error={act.error} title={`${p.label} failed`} />
      </Dialog>
    </>
  );
}
