// How far the rollup has counted a source (its rows up to this rowid), read inside the statement
// that needs it: by the rollup's own chunks, and by the figures that must be as of the same rollup.
export const watermarkNow = (source: string) =>
  `COALESCE((SELECT watermark FROM rollup_state WHERE source = '${source}'), 0)`;
