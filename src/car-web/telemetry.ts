/**
 * Live telemetry from a car (docs/car-protocol.md §3 TELEMETRY): a connection of its own, opened after
 * the upload, that says HELLO, asks for TELEMETRY every `periodMs`, and passes each frame on until it
 * is closed or the car goes away.
 */
import type { Clock } from '../car/clock';
import { CarClient } from '../car/car-client';
import type { HelloInfo, Telemetry } from '../car/protocol';
import type { CarLink } from './transports';

/** Longest wait for the reply to the final TELEMETRY_CONFIG(0), ms. */
const STOP_WAIT_MS = 300;

export interface TelemetryFeed {
  /** What the car said in HELLO on this connection. */
  info: HelloInfo;
  /** Asks the car to stop telemetry (waiting at most STOP_WAIT_MS for its reply), then closes the connection. */
  close(): void;
}

export interface TelemetryOptions {
  /** Least time between TELEMETRY frames, ms (default 100: 10 per second). */
  periodMs?: number;
  onTelemetry: (t: Telemetry) => void;
  /** Called once when the connection ends other than by `close` (car powered off, cable pulled). */
  onLost?: (reason: string) => void;
}

/**
 * Opens the telemetry connection.
 * @throws CarLinkError when the car does not answer HELLO or TELEMETRY_CONFIG (after the client's retries),
 *   or the link's Error when it cannot connect.
 */
export async function openTelemetry(link: CarLink, clock: Clock, options: TelemetryOptions): Promise<TelemetryFeed> {
  const client = new CarClient(await link.connect(), clock);
  let closing = false;
  client.stream.onClose((reason) => {
    if (!closing) options.onLost?.(reason);
  });
  try {
    const info = await client.hello();
    client.onTelemetry(options.onTelemetry);
    await client.configureTelemetry(options.periodMs ?? 100);
    return {
      info,
      close: () => {
        if (closing) return;
        closing = true;
        // Over serial a car cannot see the port close, so ask it to stop first (without waiting long).
        const stop = client.configureTelemetry(0).catch(() => undefined);
        const timer = clock.setTimeout(() => client.close(), STOP_WAIT_MS);
        void stop.then(() => {
          clock.clearTimeout(timer);
          client.close();
        });
      },
    };
  } catch (e) {
    closing = true;
    client.close();
    throw e;
  }
}
