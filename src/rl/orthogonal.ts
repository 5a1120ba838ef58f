/**
 * Seeded orthogonal initialisation, as `torch.nn.init.orthogonal_` (Saxe et al. 2013, arXiv:1312.6120),
 * which CleanRL's `layer_init` uses with gain √2 for hidden layers, 0.01 for the policy output and 1 for
 * the value output. Computed in JS from an `Rng`, so the same seed gives the same weights on every backend.
 */
import type { Rng } from '../sim/rng';

/**
 * A `rows × cols` matrix (row-major float32) whose rows (if rows ≤ cols) or columns (otherwise) are
 * orthonormal, times `gain`. Method: a standard-normal matrix, QR by modified Gram–Schmidt (run twice for
 * stability) with R's diagonal made positive, the same distribution as PyTorch's sign-corrected QR.
 * @throws Error when rows or cols is not a positive integer.
 */
export function orthogonalMatrix(rows: number, cols: number, gain: number, rng: Rng): Float32Array {
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 1 || cols < 1) {
    throw new Error(`orthogonalMatrix(): rows and cols must be positive integers, got ${rows}×${cols}`);
  }
  // Work on a tall m × n matrix (m ≥ n) stored column-major in `a`; transpose at the end if needed.
  const transpose = rows < cols;
  const m = transpose ? cols : rows;
  const n = transpose ? rows : cols;
  const a = new Float64Array(m * n); // column j is a[j*m .. j*m+m)
  for (let i = 0; i < a.length; i++) a[i] = rng.normal();
  for (let j = 0; j < n; j++) {
    const cj = j * m;
    for (let pass = 0; pass < 2; pass++) {
      for (let k = 0; k < j; k++) {
        const ck = k * m;
        let dot = 0;
        for (let i = 0; i < m; i++) dot += a[ck + i] * a[cj + i];
        for (let i = 0; i < m; i++) a[cj + i] -= dot * a[ck + i];
      }
    }
    let norm = 0;
    for (let i = 0; i < m; i++) norm += a[cj + i] * a[cj + i];
    norm = Math.sqrt(norm);
    if (norm < 1e-12) throw new Error('orthogonalMatrix(): degenerate random draw (column of norm 0)');
    for (let i = 0; i < m; i++) a[cj + i] /= norm;
  }
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      // Tall case: entry (r, c) is column c, row r. Wide case: the transpose.
      out[r * cols + c] = gain * (transpose ? a[r * m + c] : a[c * m + r]);
    }
  }
  return out;
}
