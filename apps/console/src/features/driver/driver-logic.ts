/**
 * What a driver's phone page builds from the API's records: where to navigate, whom to call, and
 * times in words. Plain strings only: a link is an `<a href>` the phone's own apps open; nothing
 * here loads anything.
 */

/** A place a driver goes to: the site's name and coordinates. */
export interface Place {
  name: string;
  latitude: number;
  longitude: number;
}

/** 39.75 → "39.75", -105 → "-105", 12.3456789 → "12.345679": at most six decimals (about 0.1 m), no exponent. */
export function formatCoordinate(value: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`Not a coordinate: ${value}`);
  const text = value.toFixed(6).replace(/\.?0+$/, '');
  return text === '-0' ? '0' : text;
}

/**
 * A `geo:` URI (RFC 5870) that opens the phone's navigation app at the site, with the site's name
 * as the pin's label (Android's `q=<lat>,<lon>(<label>)`):
 * `geo:39.75,-105?q=39.75,-105(Riverside%20Tower)`. The label is percent-encoded, parentheses too,
 * so a name cannot end the label early.
 */
export function geoUrl(place: Place): string {
  const at = `${formatCoordinate(place.latitude)},${formatCoordinate(place.longitude)}`;
  const label = encodeURIComponent(place.name).replace(/\(/g, '%28').replace(/\)/g, '%29');
  return `geo:${at}?q=${at}(${label})`;
}

/**
 * The same destination as a web link, for phones without a `geo:` handler (iOS): Google Maps'
 * documented cross-platform URL, which opens the maps app where one is installed and the browser
 * otherwise. Only a link: the console loads no map.
 */
export function webMapsUrl(place: Place): string {
  const destination = `${formatCoordinate(place.latitude)},${formatCoordinate(place.longitude)}`;
  return `https://www.google.com/maps/dir/?api=1&destination=${encodeURIComponent(destination)}`;
}

/**
 * A `tel:` URI for a phone number as people write it ("+1 (303) 555-0142" → "tel:+13035550142"),
 * or null when it holds fewer than three digits (nothing a phone could dial).
 */
export function telUrl(phone: string | null | undefined): string | null {
  if (!phone) return null;
  const digits = phone.replace(/\D/g, '');
  if (digits.length < 3) return null;
  return `tel:${phone.trim().startsWith('+') ? '+' : ''}${digits}`;
}

/** How the page writes times: the user's locale and time zone unless a test fixes them. */
export interface TimeFormat {
  locale?: string;
  timeZone?: string;
}

function dateTimeFormat({ locale, timeZone }: TimeFormat): Intl.DateTimeFormat {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone });
}

/** ICU's thin and narrow spaces (around a range's dash, before AM/PM) as plain ones: one text everywhere. */
function plainSpaces(text: string): string {
  return text.replace(/[\u2009\u202f]/g, ' ');
}

/** A moment for people: "21 Nov 2026, 10:00" (in the user's zone). */
export function formatMoment(iso: string, format: TimeFormat = {}): string {
  return plainSpaces(dateTimeFormat(format).format(new Date(iso)));
}

/**
 * A time window for people, the day said once when it starts and ends on the same day:
 * "21 Nov 2026, 10:00 – 12:00"; across days both moments in full.
 */
export function formatWindow(
  window: { start: string; end: string },
  format: TimeFormat = {},
): string {
  return plainSpaces(
    dateTimeFormat(format).formatRange(new Date(window.start), new Date(window.end)),
  );
}
