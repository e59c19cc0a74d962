/** A horizontal bar chart as inline SVG; every bar carries its value as text (not colour alone). */
export interface Bar {
  label: string;
  value: number | null;
  /** The value shown at the bar's end. */
  text: string;
  tone?: 'ok' | 'bad' | 'warn' | 'info';
}

export function BarChart({ title, bars, max }: { title: string; bars: Bar[]; max?: number }) {
  const top = max ?? Math.max(1, ...bars.map((b) => b.value ?? 0));
  const row = 28;
  const labelW = 120;
  const w = 480;
  const h = bars.length * row + 8;
  return (
    <figure class="chart">
      <svg viewBox={`0 0 ${w} ${h}`} role="img" aria-label={`${title}: ${bars.map((b) => `${b.label} ${b.text}`).join(', ')}`} width="100%" preserveAspectRatio="xMinYMin meet">
        {bars.map((b, i) => {
          const y = 4 + i * row;
          const bw = b.value === null ? 0 : Math.max(2, ((w - labelW - 90) * b.value) / top);
          return (
            <g key={b.label}>
              <text x={0} y={y + 17} class="chart-label">
                {b.label}
              </text>
              <rect x={labelW} y={y + 4} width={bw} height={row - 10} class={`bar ${b.tone ?? 'info'}`} rx={3} />
              <text x={labelW + bw + 6} y={y + 17} class="chart-value">
                {b.text}
              </text>
            </g>
          );
        })}
      </svg>
      <figcaption>{title}</figcaption>
    </figure>
  );
}
