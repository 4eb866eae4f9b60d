// A bench phase that reports beside the main table: its own rows (figure, the baseline it ran beside,
// their ratio) and its own fields in the BENCH_JSON line. New phases add a section instead of
// growing the main table.

export interface SectionRow {
  label: string;
  value: number | undefined;
  /** The same figure for the baseline run beside it, when there is one. */
  baseline?: number | undefined;
  digits: number;
}

export interface BenchSection {
  /** Key in BENCH_JSON and heading of the printed table. */
  name: string;
  /** One line saying what ran and what the baseline is. */
  about: string;
  rows: SectionRow[];
  /** Flat figures for machines, added to BENCH_JSON under `${name}_…`. */
  figures: Record<string, number | null>;
  /** Findings worth a line under the table (a target missed, a write where none was expected). */
  notes: string[];
}
