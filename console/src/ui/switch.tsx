/** An on/off switch (role="switch"): its state is in its text too, not only its colour. */
export function Switch(p: { label: string; checked: boolean; busy?: boolean; disabled?: boolean; onChange: (next: boolean) => void; describedBy?: string }) {
  return (
    <button
      type="button"
      role="switch"
      class={`switch${p.checked ? ' on' : ''}`}
      aria-checked={p.checked}
      aria-label={p.label}
      aria-describedby={p.describedBy}
      aria-busy={p.busy}
      disabled={p.disabled || p.busy}
      onClick={() => p.onChange(!p.checked)}
    >
      <span class="track" aria-hidden="true">
        <span class="thumb" />
      </span>
      <span class="switch-text" aria-hidden="true">
        {p.checked ? 'On' : 'Off'}
      </span>
    </button>
  );
}
