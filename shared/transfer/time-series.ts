/**
 * Counters bucketed per fixed interval (100 ms by default) since a transfer began, for the
 * live charts. Quiet intervals appear as zero rows, so a chart's x axis is plain time.
 */
export type Sample<Field extends string> = { readonly atMs: number } & { readonly [K in Field]: number };

export const TIME_SERIES_INTERVAL_MS = 100;

export class TimeSeries<Field extends string> {
  private readonly rows: Record<Field, number>[] = [];

  constructor(
    private readonly fields: readonly Field[],
    readonly intervalMs = TIME_SERIES_INTERVAL_MS,
  ) {}

  add(elapsedMs: number, field: Field, amount: number): void {
    const index = Math.max(0, Math.floor(elapsedMs / this.intervalMs));
    while (this.rows.length <= index) {
      const row = {} as Record<Field, number>;
      for (const f of this.fields) row[f] = 0;
      this.rows.push(row);
    }
    this.rows[index]![field] += amount;
  }

  /** A copy: the caller may keep it while the transfer goes on. */
  samples(): Sample<Field>[] {
    return this.rows.map((row, i) => ({ atMs: i * this.intervalMs, ...row }) as Sample<Field>);
  }
}
