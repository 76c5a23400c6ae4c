export interface UsageBarProps {
  value: number;
  max: number;
  label: string;
  /** A second, lighter mark (e.g. slots that exist of those desired). */
  secondary?: number | undefined;
}

/** A horizontal bar, drawn only: the numbers beside it are the accessible text. */
export function UsageBar({ value, max, label, secondary }: UsageBarProps) {
  const percent = (part: number) => (max > 0 ? Math.min(100, (part / max) * 100) : 0);
  return (
    <div className="usage-bar" aria-hidden="true" title={`${label}: ${value} of ${max}`}>
      {secondary !== undefined ? (
        <span className="usage-bar-secondary" style={{ width: `${percent(secondary)}%` }} />
      ) : null}
      <span className="usage-bar-fill" style={{ width: `${percent(value)}%` }} />
    </div>
  );
}
