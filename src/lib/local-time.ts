/** @module Wall-clock time in a named time zone (Europe/London) from and to instants, with no library but Intl. */

export interface LocalParts {
  date: string; // YYYY-MM-DD
  year: number;
  month: number;
  day: number;
  weekday: 'sun' | 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat';
  minutes: number; // since local midnight
}

const formats = new Map<string, Intl.DateTimeFormat>();

export function localParts(at: Date, timeZone: string): LocalParts {
  let f = formats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', weekday: 'short', hourCycle: 'h23' });
    formats.set(timeZone, f);
  }
  const p = Object.fromEntries(f.formatToParts(at).map((x) => [x.type, x.value]));
  return {
    date: `${p['year']}-${p['month']}-${p['day']}`,
    year: Number(p['year']), month: Number(p['month']), day: Number(p['day']),
    weekday: p['weekday']!.toLowerCase().slice(0, 3) as LocalParts['weekday'],
    minutes: Number(p['hour']) * 60 + Number(p['minute']),
  };
}

/** The instant when the clock in `timeZone` shows `minutes` past midnight on `date` (YYYY-MM-DD). */
export function zonedTime(date: string, minutes: number, timeZone: string): Date {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const wanted = Date.UTC(y, m - 1, d, 0, minutes);
  let guess = wanted;
  // Two rounds settle the offset, including on the days the clocks change.
  for (let i = 0; i < 2; i++) {
    const p = localParts(new Date(guess), timeZone);
    const shown = Date.UTC(p.year, p.month - 1, p.day, 0, p.minutes);
    guess += wanted - shown;
  }
  return new Date(guess);
}
