import { MS_PER_DAY } from '../../expr/time.js'
import { compilePattern, parseDateTime } from '../../types/datetime-pattern.js'
import { T } from '../../types/type.js'
import type { Value } from '../../types/values.js'
import { doc, P, type ScalarFunction, scalarFunction } from '../registry.js'

/** Date/time functions: TIMESTAMPTOSTRING, STRINGTOTIMESTAMP, FROM_UNIXTIME, UNIX_TIMESTAMP, PARSE_DATE, ... */

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday']
const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
]

/** Offset of a zone id (`UTC`, `+05:30`, `America/New_York`) at an instant, in minutes. */
export function zoneOffsetMinutes(zone: string, at: number): number {
  const z = zone.trim()
  if (z === '' || z === 'UTC' || z === 'Z' || z === 'GMT') return 0
  const m = /^(?:UTC|GMT)?([+-])(\d{1,2})(?::?(\d{2}))?$/.exec(z)
  if (m !== null) return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3] ?? 0))
  let fmt: Intl.DateTimeFormat
  try {
    fmt = new Intl.DateTimeFormat('en-US', {
      timeZone: z,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    })
  } catch {
    throw new Error(`Unknown time-zone ID: ${zone}`)
  }
  const parts: Record<string, number> = {}
  for (const p of fmt.formatToParts(new Date(at))) if (p.type !== 'literal') parts[p.type] = Number(p.value)
  const local = Date.UTC(
    parts.year ?? 1970,
    (parts.month ?? 1) - 1,
    parts.day ?? 1,
    parts.hour ?? 0,
    parts.minute ?? 0,
    parts.second ?? 0,
  )
  return Math.round((local - (at - (((at % 1000) + 1000) % 1000))) / 60000)
}

const pad = (n: number, w: number): string => String(n).padStart(w, '0')

/** java.time's `z` / `zzzz` text of a zone at an instant (`PDT`, `Pacific Daylight Time`). */
function zoneName(zone: string, at: number, long: boolean): string {
  const z = zone.trim()
  if (z === 'UTC' || z === 'GMT' || z === 'Z' || /^[+-]/.test(z)) return z === 'Z' ? 'Z' : z
  const name = (locale: string): string | undefined => {
    try {
      return new Intl.DateTimeFormat(locale, { timeZone: z, timeZoneName: long ? 'long' : 'short' })
        .formatToParts(new Date(at))
        .find((p) => p.type === 'timeZoneName')?.value
    } catch {
      return undefined
    }
  }
  const us = name('en-US')
  if (us !== undefined && !us.startsWith('GMT')) return us
  return name('en-GB') ?? us ?? z
}

const UNIT_MS: Readonly<Record<string, number>> = {
  MILLISECONDS: 1,
  SECONDS: 1000,
  MINUTES: 60_000,
  HOURS: 3_600_000,
  DAYS: MS_PER_DAY,
}

/** TimeUnit.toMillis of `n` units (the unit arrives as its name, from an IntervalUnit argument). */
function unitMs(unit: Value, n: number): number {
  const f = UNIT_MS[String(unit).toUpperCase()]
  if (f === undefined) throw new Error(`Unknown time unit: ${String(unit)}`)
  return n * f
}

const floorMod = (a: number, b: number): number => ((a % b) + b) % b

/** Formats epoch ms with a java.time pattern in the given zone. */
export function formatDateTime(ms: number, pattern: string, zone = 'UTC'): string {
  const offset = zoneOffsetMinutes(zone, ms)
  const d = new Date(ms + offset * 60000)
  let out = ''
  for (const part of compilePattern(pattern)) {
    if (part.kind === 'lit') {
      out += part.text
      continue
    }
    const w = part.width
    switch (part.letter) {
      case 'y':
      case 'u': {
        const y = d.getUTCFullYear()
        out += w === 2 ? pad(y % 100, 2) : pad(y, w)
        break
      }
      case 'M':
      case 'L': {
        const mo = d.getUTCMonth()
        out += w >= 4 ? (MONTHS[mo] as string) : w === 3 ? (MONTHS[mo] as string).slice(0, 3) : pad(mo + 1, w)
        break
      }
      case 'd':
        out += pad(d.getUTCDate(), w)
        break
      case 'D': {
        const start = Date.UTC(d.getUTCFullYear(), 0, 1)
        out += pad(Math.floor((d.getTime() - start) / MS_PER_DAY) + 1, w)
        break
      }
      case 'H':
        out += pad(d.getUTCHours(), w)
        break
      case 'k':
        out += pad(d.getUTCHours() === 0 ? 24 : d.getUTCHours(), w)
        break
      case 'h':
        out += pad(d.getUTCHours() % 12 === 0 ? 12 : d.getUTCHours() % 12, w)
        break
      case 'K':
        out += pad(d.getUTCHours() % 12, w)
        break
      case 'm':
        out += pad(d.getUTCMinutes(), w)
        break
      case 's':
        out += pad(d.getUTCSeconds(), w)
        break
      case 'S':
        out += pad(d.getUTCMilliseconds(), 3).padEnd(w, '0').slice(0, w)
        break
      case 'a':
        out += d.getUTCHours() < 12 ? 'AM' : 'PM'
        break
      case 'E': {
        const day = DAYS[d.getUTCDay()] as string
        out += w >= 4 ? day : day.slice(0, 3)
        break
      }
      case 'X':
      case 'x':
      case 'Z': {
        if (offset === 0 && part.letter === 'X') {
          out += 'Z'
          break
        }
        const sign = offset < 0 ? '-' : '+'
        const abs = Math.abs(offset)
        const hh = pad(Math.floor(abs / 60), 2)
        const mm = pad(abs % 60, 2)
        if (part.letter === 'Z') {
          // java.time: Z..ZZZ is +HHMM (+0000 for UTC), ZZZZZ is +HH:MM or Z.
          out += w === 5 ? (offset === 0 ? 'Z' : `${sign}${hh}:${mm}`) : `${sign}${hh}${mm}`
          break
        }
        out +=
          w === 1
            ? `${sign}${hh}${mm === '00' ? '' : mm}`
            : w === 3 || w === 5
              ? `${sign}${hh}:${mm}`
              : `${sign}${hh}${mm}`
        break
      }
      case 'z':
        out += zoneName(zone, ms, w >= 4)
        break
      case 'V':
      case 'O':
        out += zone
        break
      default:
        out += part.letter.repeat(w)
    }
  }
  return out
}

function parseIn(text: string, pattern: string, zone?: string): number {
  if (zone === undefined) return parseDateTime(text, pattern)
  // First guess with UTC, then correct by the zone's offset at that instant.
  const utc = parseDateTime(text, pattern, 0)
  const off = zoneOffsetMinutes(zone, utc)
  return parseDateTime(text, pattern, off)
}

export function datetimeFunctions(): ScalarFunction[] {
  return [
    scalarFunction({
      name: 'TIMESTAMPTOSTRING',
      description:
        "Converts a BIGINT millisecond timestamp value into the string representation of the timestamp in the given format. Single quotes in the timestamp format can be escaped with '', for example: 'yyyy-MM-dd''T''HH:mm:ssX'. The system default time zone is used when no time zone is explicitly provided. The format pattern should be in the format expected by java.time.format.DateTimeFormatter.",
      signatures: [
        {
          ...doc(
            'Converts a BIGINT millisecond timestamp value into the string representation of the timestamp in the given format.',
            ['epochMilli', 'Milliseconds since January 1, 1970, 00:00:00 UTC/GMT.'],
            [
              'formatPattern',
              'The format pattern should be in the format expected by java.time.format.DateTimeFormatter.',
            ],
          ),
          params: [T.BIGINT, T.STRING],
          returns: T.STRING,
          fn: (ms, p) => formatDateTime(Number(ms), p as string),
        },
        {
          ...doc(
            'Converts a BIGINT millisecond timestamp value into the string representation of the timestamp in the given format and time zone.',
            ['epochMilli', 'Milliseconds since January 1, 1970, 00:00:00 UTC/GMT.'],
            [
              'formatPattern',
              'The format pattern should be in the format expected by java.time.format.DateTimeFormatter.',
            ],
            [
              'timeZone',
              'timeZone is a java.util.TimeZone ID format, for example: "UTC", "America/Los_Angeles", "PST", "Europe/London"',
            ],
          ),
          params: [T.BIGINT, T.STRING, T.STRING],
          returns: T.STRING,
          fn: (ms, p, z) => formatDateTime(Number(ms), p as string, z as string),
        },
      ],
    }),
    scalarFunction({
      name: 'STRINGTOTIMESTAMP',
      description:
        "Converts a string value in the given format into the BIGINT value that represents the millisecond timestamp. Single quotes in the timestamp format can be escaped with '', for example: 'yyyy-MM-dd''T''HH:mm:ssX'. The format pattern should be in the format expected by java.time.format.DateTimeFormatter.",
      signatures: [
        {
          ...doc(
            'Converts a string value in the given format into the BIGINT value that represents the millisecond timestamp.',
            ['formattedTimestamp', 'The string representation of a date.'],
            [
              'formatPattern',
              'The format pattern should be in the format expected by java.time.format.DateTimeFormatter.',
            ],
          ),
          params: [T.STRING, T.STRING],
          returns: T.BIGINT,
          fn: (s, p) => BigInt(parseIn(s as string, p as string)),
        },
        {
          ...doc(
            'Converts a string value in the given format and time zone into the BIGINT value that represents the millisecond timestamp.',
            ['formattedTimestamp', 'The string representation of a date.'],
            [
              'formatPattern',
              'The format pattern should be in the format expected by java.time.format.DateTimeFormatter.',
            ],
            [
              'timeZone',
              'timeZone is a java.util.TimeZone ID format, for example: "UTC", "America/Los_Angeles", "PST", "Europe/London"',
            ],
          ),
          params: [T.STRING, T.STRING, T.STRING],
          returns: T.BIGINT,
          fn: (s, p, z) => BigInt(parseIn(s as string, p as string, z as string)),
        },
      ],
    }),
    scalarFunction({
      name: 'FORMAT_TIMESTAMP',
      description:
        "Converts a TIMESTAMP value into the string representation of the timestamp in the given format. Single quotes in the timestamp format can be escaped with '', for example: 'yyyy-MM-dd''T''HH:mm:ssX'. The format pattern should be in the format expected by java.time.format.DateTimeFormatter.",
      signatures: [
        {
          ...doc(
            'Converts a TIMESTAMP value into the string representation of the timestamp in the given format.',
            ['timestamp', 'The TIMESTAMP value to format.'],
            [
              'formatPattern',
              'The format pattern should be in the format expected by java.time.format.DateTimeFormatter.',
            ],
          ),
          params: [T.TIMESTAMP, T.STRING],
          returns: T.STRING,
          fn: (ms, p) => formatDateTime(ms as number, p as string),
        },
        {
          ...doc(
            'Converts a TIMESTAMP value into the string representation of the timestamp in the given format and time zone.',
            ['timestamp', 'The TIMESTAMP value to format.'],
            [
              'formatPattern',
              'The format pattern should be in the format expected by java.time.format.DateTimeFormatter.',
            ],
            [
              'timeZone',
              'timeZone is a java.util.TimeZone ID format, for example: "UTC", "America/Los_Angeles", "PST", "Europe/London"',
            ],
          ),
          params: [T.TIMESTAMP, T.STRING, T.STRING],
          returns: T.STRING,
          fn: (ms, p, z) => formatDateTime(ms as number, p as string, z as string),
        },
      ],
    }),
    scalarFunction({
      name: 'PARSE_TIMESTAMP',
      description:
        "Converts a string value in the given format into the TIMESTAMP value. Single quotes in the timestamp format can be escaped with '', for example: 'yyyy-MM-dd''T''HH:mm:ssX'. The format pattern should be in the format expected by java.time.format.DateTimeFormatter.",
      signatures: [
        {
          ...doc(
            'Converts a string value in the given format into a TIMESTAMP value.',
            ['formattedTimestamp', 'The string representation of a date.'],
            [
              'formatPattern',
              'The format pattern should be in the format expected by java.time.format.DateTimeFormatter.',
            ],
          ),
          params: [T.STRING, T.STRING],
          returns: T.TIMESTAMP,
          fn: (s, p) => parseIn(s as string, p as string),
        },
        {
          ...doc(
            'Converts a string value in the given format and time zone into a TIMESTAMP value.',
            ['formattedTimestamp', 'The string representation of a date.'],
            [
              'formatPattern',
              'The format pattern should be in the format expected by java.time.format.DateTimeFormatter.',
            ],
            [
              'timeZone',
              'timeZone is a java.util.TimeZone ID format, for example: "UTC", "America/Los_Angeles", "PST", "Europe/London"',
            ],
          ),
          params: [T.STRING, T.STRING, T.STRING],
          returns: T.TIMESTAMP,
          fn: (s, p, z) => parseIn(s as string, p as string, z as string),
        },
      ],
    }),
    scalarFunction({
      name: 'FROM_UNIXTIME',
      description: 'Converts a BIGINT millisecond timestamp value into a TIMESTAMP value.',
      signatures: [
        {
          ...doc('Converts a BIGINT millisecond timestamp value into a TIMESTAMP value.', [
            'epochMilli',
            'Milliseconds since January 1, 1970, 00:00:00 UTC/GMT.',
          ]),
          params: [T.BIGINT],
          returns: T.TIMESTAMP,
          fn: (ms) => Number(ms),
        },
      ],
    }),
    scalarFunction({
      name: 'UNIX_TIMESTAMP',
      description: 'Gets the Unix timestamp in milliseconds, represented as a BIGINT.',
      signatures: [
        {
          ...doc('Gets a BIGINT millisecond from the Unix timestamp.'),
          params: [],
          returns: T.BIGINT,
          fn: () => BigInt(Date.now()),
        },
        {
          ...doc('Gets the BIGINT millisecond value of a TIMESTAMP.', ['timestamp', 'A TIMESTAMP value.']),
          params: [T.TIMESTAMP],
          returns: T.BIGINT,
          fn: (ts) => BigInt(ts as number),
        },
      ],
    }),
    scalarFunction({
      name: 'UNIX_DATE',
      description: 'Gets an integer representing days since epoch.',
      signatures: [
        {
          ...doc('Get the current date as an integer representing days since epoch.'),
          params: [],
          returns: T.INTEGER,
          fn: () => Math.floor(Date.now() / MS_PER_DAY),
        },
        {
          ...doc('Returns the number of days since 1970-01-01 represented by the given DATE.', [
            'date',
            'A DATE value.',
          ]),
          params: [T.DATE],
          returns: T.INTEGER,
          fn: (d) => d,
        },
      ],
    }),
    scalarFunction({
      name: 'PARSE_DATE',
      description:
        'Converts a string representation of a date in the given format into a DATE value. The format pattern should be in the format expected by java.time.format.DateTimeFormatter.',
      signatures: [
        {
          ...doc(
            'Converts a string representation of a date in the given format into a DATE value.',
            ['formattedDate', 'The string representation of a date.'],
            [
              'formatPattern',
              'The format pattern should be in the format expected by java.time.format.DateTimeFormatter.',
            ],
          ),
          params: [T.STRING, T.STRING],
          returns: T.DATE,
          // ksqlDB parses with FastDateFormat (SimpleDateFormat rules): trailing text is ignored,
          // and a parsed time of day other than midnight is an error.
          fn: (s, p) => {
            const ms = parseDateTime(s as string, p as string, 0, true)
            if (floorMod(ms, MS_PER_DAY) !== 0) throw new Error('Date format contains time field.')
            return Math.floor(ms / MS_PER_DAY)
          },
        },
      ],
    }),
    scalarFunction({
      name: 'FORMAT_DATE',
      description:
        'Converts a DATE value into a string representing the date in the given format. The format pattern should be in the format expected by java.time.format.DateTimeFormatter.',
      signatures: [
        {
          ...doc(
            'Converts a DATE value into a string in the given format.',
            ['date', 'The DATE value to format.'],
            [
              'formatPattern',
              'The format pattern should be in the format expected by java.time.format.DateTimeFormatter.',
            ],
          ),
          params: [T.DATE, T.STRING],
          returns: T.STRING,
          fn: (d, p) => formatDateTime((d as number) * MS_PER_DAY, p as string),
        },
      ],
    }),
    scalarFunction({
      name: 'STRINGTODATE',
      description:
        'Converts a string representation of a date into an integer representing days since epoch using the given format pattern. The format pattern should be in the format expected by java.time.format.DateTimeFormatter.',
      signatures: [
        {
          ...doc(
            'Converts a string representation of a date into an integer representing days since epoch.',
            ['formattedDate', 'The string representation of a date.'],
            [
              'formatPattern',
              'The format pattern should be in the format expected by java.time.format.DateTimeFormatter.',
            ],
          ),
          params: [T.STRING, T.STRING],
          returns: T.INTEGER,
          fn: (s, p) => Math.floor(parseDateTime(s as string, p as string) / MS_PER_DAY),
        },
      ],
    }),
    scalarFunction({
      name: 'DATETOSTRING',
      description:
        'Converts an integer representing days since epoch to a date string using the given format pattern. The format pattern should be in the format expected by java.time.format.DateTimeFormatter.',
      signatures: [
        {
          ...doc(
            'Converts an integer representing days since epoch to a date string.',
            ['epochDays', 'The Epoch Day to convert, based on the epoch 1970-01-01'],
            [
              'formatPattern',
              'The format pattern should be in the format expected by java.time.format.DateTimeFormatter.',
            ],
          ),
          params: [T.INTEGER, T.STRING],
          returns: T.STRING,
          fn: (d, p) => formatDateTime((d as number) * MS_PER_DAY, p as string),
        },
      ],
    }),
    scalarFunction({
      name: 'PARSE_TIME',
      description:
        'Converts a string representation of a time in the given format into a TIME value. The format pattern should be in the format expected by java.time.format.DateTimeFormatter.',
      signatures: [
        {
          ...doc(
            'Converts a string representation of a time in the given format into a TIME value.',
            ['formattedTime', 'The string representation of a time.'],
            [
              'formatPattern',
              'The format pattern should be in the format expected by java.time.format.DateTimeFormatter.',
            ],
          ),
          params: [T.STRING, T.STRING],
          returns: T.TIME,
          fn: (s, p) => floorMod(parseDateTime(s as string, p as string), MS_PER_DAY),
        },
      ],
    }),
    scalarFunction({
      name: 'FORMAT_TIME',
      description:
        'Converts a TIME value into a string representing the time in the given format. The format pattern should be in the format expected by java.time.format.DateTimeFormatter.',
      signatures: [
        {
          ...doc(
            'Converts a TIME value into a string in the given format.',
            ['time', 'The TIME value to format.'],
            [
              'formatPattern',
              'The format pattern should be in the format expected by java.time.format.DateTimeFormatter.',
            ],
          ),
          params: [T.TIME, T.STRING],
          returns: T.STRING,
          fn: (t, p) => formatDateTime(t as number, p as string),
        },
      ],
    }),
    scalarFunction({
      name: 'FROM_DAYS',
      description: 'Converts an INT number of days since epoch to a DATE value.',
      signatures: [
        {
          ...doc('Converts an INT number of days since epoch to a DATE value.', [
            'days',
            'The number of days since 1970-01-01.',
          ]),
          params: [T.INTEGER],
          returns: T.DATE,
          fn: (d) => d,
        },
      ],
    }),
    scalarFunction({
      name: 'convert_tz',
      description:
        'Converts a TIMESTAMP value from one timezone to another. The time zones are java.util.TimeZone IDs, for example: "UTC", "America/Los_Angeles", "PST", "Europe/London".',
      signatures: [
        {
          ...doc(
            'Converts a TIMESTAMP value from one timezone to another.',
            ['timestamp', 'The TIMESTAMP value.'],
            [
              'fromTimeZone',
              'The fromTimeZone in java.util.TimeZone ID format. For example: "UTC", "America/Los_Angeles", "PST"',
            ],
            [
              'toTimeZone',
              'The toTimeZone in java.util.TimeZone ID format. For example: "UTC", "America/Los_Angeles", "PST"',
            ],
          ),
          params: [T.TIMESTAMP, T.STRING, T.STRING],
          returns: T.TIMESTAMP,
          fn: (ts, from, to) => {
            const ms = ts as number
            const offset = (zone: string): number => {
              try {
                return zoneOffsetMinutes(zone, ms)
              } catch {
                throw new Error(`Invalid time zone: Unknown time-zone ID: ${zone}`)
              }
            }
            return ms + (offset(to as string) - offset(from as string)) * 60_000
          },
        },
      ],
    }),
    ...(['timeadd', 'timesub'] as const).map((name) =>
      scalarFunction({
        name,
        description:
          name === 'timeadd' ? 'Adds a duration to a TIME value.' : 'Subtracts a duration from a TIME value.',
        signatures: [
          {
            ...doc(
              name === 'timeadd'
                ? 'Adds a duration to a TIME value.'
                : 'Subtracts a duration from a TIME value.',
              ['unit', 'The unit of time, for example SECONDS or DAYS.'],
              [
                'interval',
                name === 'timeadd' ? 'The number of units to add.' : 'The number of units to subtract.',
              ],
              ['time', 'The TIME value.'],
            ),
            params: [P.intervalUnit, T.INTEGER, T.TIME],
            returns: T.TIME,
            fn: (u, n, t) =>
              floorMod((t as number) + (name === 'timeadd' ? 1 : -1) * unitMs(u, n as number), MS_PER_DAY),
          },
        ],
      }),
    ),
    ...(['timestampadd', 'timestampsub'] as const).map((name) =>
      scalarFunction({
        name,
        description:
          name === 'timestampadd'
            ? 'Adds a duration to a TIMESTAMP value.'
            : 'Subtracts a duration from a TIMESTAMP value.',
        signatures: [
          {
            ...doc(
              name === 'timestampadd'
                ? 'Adds a duration to a TIMESTAMP value.'
                : 'Subtracts a duration from a TIMESTAMP value.',
              ['unit', 'The unit of time, for example SECONDS or DAYS.'],
              [
                'interval',
                name === 'timestampadd' ? 'The number of units to add.' : 'The number of units to subtract.',
              ],
              ['timestamp', 'The TIMESTAMP value.'],
            ),
            params: [P.intervalUnit, T.INTEGER, T.TIMESTAMP],
            returns: T.TIMESTAMP,
            fn: (u, n, t) => (t as number) + (name === 'timestampadd' ? 1 : -1) * unitMs(u, n as number),
          },
        ],
      }),
    ),
    ...(['dateadd', 'datesub'] as const).map((name) =>
      scalarFunction({
        name,
        description:
          name === 'dateadd' ? 'Adds a duration to a DATE value.' : 'Subtracts a duration from a DATE value.',
        signatures: [
          {
            ...doc(
              name === 'dateadd'
                ? 'Adds a duration to a DATE value.'
                : 'Subtracts a duration from a DATE value.',
              ['unit', 'The unit of time, for example SECONDS or DAYS.'],
              [
                'interval',
                name === 'dateadd' ? 'The number of units to add.' : 'The number of units to subtract.',
              ],
              ['date', 'The DATE value.'],
            ),
            params: [P.intervalUnit, T.INTEGER, T.DATE],
            returns: T.DATE,
            // TimeUnit.MILLISECONDS.toDays: truncation toward zero.
            fn: (u, n, d) =>
              Math.trunc(
                ((d as number) * MS_PER_DAY + (name === 'dateadd' ? 1 : -1) * unitMs(u, n as number)) /
                  MS_PER_DAY,
              ),
          },
        ],
      }),
    ),
  ]
}
