// Offsets to 1-based line and column, built only for files that have something to report.
export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(text: string) {
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
  }

  lineOf(offset: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.starts[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }

  columnOf(offset: number): number {
    return offset - this.offsetOf(this.lineOf(offset)) + 1;
  }

  /** Offset of the first character of a 1-based line. */
  offsetOf(line: number): number {
    return this.starts[line - 1] ?? this.starts[this.starts.length - 1] ?? 0;
  }
}
