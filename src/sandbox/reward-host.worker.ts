/**
 * Entry of the sandbox worker. The frame (`frame-document.ts`) starts it as a classic worker from
 * source text, so it is built as ONE file with no imports (see vite.config.ts and the test that
 * checks the build). Its first message is `{port, pyodideFiles?, allocationLimitMiB}`: it then
 * serves a RewardHost on `port` and ignores every later message on its global scope.
 */
import * as Comlink from 'comlink';
import { RewardHost } from './reward-host';
import { pyodideLoaderFromBytes, type PyodideFiles } from './pyodide-bytes';
import { limitAllocations } from './allocation-limit';

interface HostInit {
  port: MessagePort;
  pyodideFiles: PyodideFiles | null;
  allocationLimitMiB: number;
}

self.onmessage = (e: MessageEvent<HostInit>) => {
  self.onmessage = null;
  const { port, pyodideFiles, allocationLimitMiB } = e.data;
  const host = new RewardHost(pyodideFiles ? pyodideLoaderFromBytes(pyodideFiles) : null);
  const print = (...args: unknown[]) => host.print(args.map((a) => (typeof a === 'string' ? a : safeString(a))).join(' '));
  console.log = print;
  console.info = print;
  console.warn = print;
  console.error = print;
  limitAllocations(allocationLimitMiB);
  Comlink.expose(host, port);
};

function safeString(a: unknown): string {
  try {
    return typeof a === 'object' && a !== null ? JSON.stringify(a) : String(a);
  } catch {
    return String(a);
  }
}
