// Parse an .ics file with ical.js (as Thunderbird does) and print its events as JSON; exit 1 on any problem.
import { readFileSync } from "node:fs";
import ICAL from "ical.js";

const problems = [];
// ical.js reports recoverable oddities through the console: treat each one as a failure.
for (const level of ["warn", "error"]) {
  console[level] = (...args) => problems.push(`${level}: ${args.join(" ")}`);
}

function time(component, name) {
  const value = component.getFirstPropertyValue(name);
  if (value === null) return null;
  if (!(value instanceof ICAL.Time)) throw new Error(`${name} is not a date-time`);
  if (value.zone !== ICAL.Timezone.utcTimezone) throw new Error(`${name} is not in UTC`);
  return value.toJSDate().toISOString();
}

function text(component, name) {
  const values = component.getAllProperties(name);
  if (values.length > 1) throw new Error(`${name} appears ${values.length} times`);
  return values.length ? values[0].getFirstValue() : null;
}

function alarm(component) {
  const trigger = component.getFirstPropertyValue("trigger");
  if (!(trigger instanceof ICAL.Duration)) throw new Error("TRIGGER is not a duration");
  return {
    action: text(component, "action"),
    description: text(component, "description"),
    trigger: trigger.toString(),
    triggerSeconds: trigger.toSeconds(),
  };
}

function event(component) {
  for (const required of ["uid", "dtstamp", "dtstart"]) {
    if (!component.hasProperty(required)) throw new Error(`VEVENT without ${required.toUpperCase()}`);
  }
  const parsed = new ICAL.Event(component);
  return {
    uid: parsed.uid,
    sequence: parsed.sequence,
    summary: parsed.summary,
    description: parsed.description,
    location: parsed.location,
    url: text(component, "url"),
    status: text(component, "status"),
    dtstamp: time(component, "dtstamp"),
    dtstart: time(component, "dtstart"),
    dtend: time(component, "dtend"),
    lastModified: time(component, "last-modified"),
    durationSeconds: parsed.duration.toSeconds(),
    alarms: component.getAllSubcomponents("valarm").map(alarm),
  };
}

function main(path) {
  const source = readFileSync(path, "utf8");
  const root = new ICAL.Component(ICAL.parse(source));
  if (root.name !== "vcalendar") throw new Error(`top-level component is ${root.name}`);
  const result = {
    version: text(root, "version"),
    prodid: text(root, "prodid"),
    calscale: text(root, "calscale"),
    method: text(root, "method"),
    name: text(root, "x-wr-calname"),
    todos: root.getAllSubcomponents("vtodo").length,
    events: root.getAllSubcomponents("vevent").map(event),
  };
  if (problems.length) throw new Error(problems.join("; "));
  process.stdout.write(JSON.stringify(result, null, 2) + "\n");
}

try {
  if (process.argv.length !== 3) throw new Error("usage: node parse.js FILE.ics");
  main(process.argv[2]);
} catch (error) {
  process.stderr.write(`ical.js: ${error.message}\n`);
  process.exit(1);
}
