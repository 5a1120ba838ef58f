/**
 * Log worker: reads sim-trace files (DeepRacer CSVs in any accepted variant, RoboMaker logs) into typed columns off
 * the page's thread, so opening a million-step log never freezes the page. Columns come back as transferables.
 */
import * as Comlink from 'comlink';
import { SimTraceParser } from '../race/sim-trace';
import { TraceBuilder, traceBuffers, type TraceColumns } from '../race/trace-columns';

export class LogWorker {
  /**
   * @param onProgress fraction of the file read, 0..1 (about every megabyte).
   * @throws SimTraceError (as an Error with its message) naming the line and column of the first bad value.
   */
  async parse(file: File, onProgress?: (fraction: number) => void): Promise<TraceColumns> {
    const b = new TraceBuilder(Math.max(1024, Math.ceil(file.size / 120)));
    const parser = new SimTraceParser((row) => b.push(row), file.name);
    const reader = file.stream().pipeThrough(new TextDecoderStream()).getReader();
    let read = 0;
    let reported = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      parser.push(value);
      read += value.length;
      if (read - reported > 1 << 20) {
        reported = read;
        onProgress?.(read / Math.max(1, file.size));
      }
    }
    parser.end();
    const t = b.build();
    return Comlink.transfer(t, traceBuffers(t));
  }
}

Comlink.expose(new LogWorker());
