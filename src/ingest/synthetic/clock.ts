/**
 * The wall clock the Chicago feed prints (local time, no offset), against real time: trips are
 * timed in instants and printed as the city's clock reads them, so that on the daylight-saving
 * days a trip across the change gets the stamps the real feed gives it (an end stamp before the
 * start stamp in the repeated hour, a skipped hour no stamp falls in).
 */

/** Chicago publishes both stamps rounded to 15 minutes (the dataset's field descriptions). */
export const STAMP_STEP_SECONDS = 900;

const HOUR_MS = 3_600_000;

export class WallClock {
  private readonly format: Intl.DateTimeFormat;
  /** Offset (ms) by UTC hour: the zones here change their offset on whole hours only. */
  private readonly offsets = new Map<number, number>();

  constructor(readonly timeZone: string) {
    this.format = new Intl.DateTimeFormat("en-US", { timeZone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit" });
  }

  /** The zone's offset from UTC (ms, e.g. -5 h in CDT) at an instant. */
  offsetAt(instantMs: number): number {
    const hour = Math.floor(instantMs / HOUR_MS);
    let offset = this.offsets.get(hour);
    if (offset === undefined) {
      const at = hour * HOUR_MS;
      const p = Object.fromEntries(this.format.formatToParts(at).map((x) => [x.type, x.value]));
      offset = Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute), Number(p.second)) - at;
      this.offsets.set(hour, offset);
    }
    return offset;
  }

  /** The local stamp of an instant, as Socrata prints a floating timestamp: "2024-11-03T01:15:00.000". */
  stamp(instantMs: number): string {
    return new Date(instantMs + this.offsetAt(instantMs)).toISOString().slice(0, 23);
  }

  /**
   * The instant the clock shows `secondsOfDay` after local midnight of `date`: in the repeated
   * hour of the fall-back day, its first occurrence; in the skipped hour of the spring-forward
   * day, the instant an hour on (02:30 → 03:30), as a clock that was not moved would show it.
   */
  instant(date: string, secondsOfDay: number): number {
    const wall = Date.parse(`${date}T00:00:00Z`) + Math.round(secondsOfDay) * 1000;
    const before = this.offsetAt(wall - 12 * HOUR_MS);
    const after = this.offsetAt(wall + 12 * HOUR_MS);
    const readings = [wall - before, wall - after].filter((t) => t + this.offsetAt(t) === wall).sort((a, b) => a - b);
    return readings[0] ?? wall - before;
  }
}

/** An instant rounded to the nearest step, as the feed rounds its stamps. */
export function roundToStep(instantMs: number, stepSeconds = STAMP_STEP_SECONDS): number {
  const step = stepSeconds * 1000;
  return Math.round(instantMs / step) * step;
}
