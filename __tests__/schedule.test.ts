import { latestOccurrence, nextOccurrence, validateSchedule } from "../src/schedule.js";

const at = (iso: string) => Date.parse(iso);

describe("schedule occurrences", () => {
  test("latest occurrence at or before now", () => {
    expect(latestOccurrence("*/15 * * * *", at("2026-12-04T10:44:59Z"))).toBe(at("2026-12-04T10:30:00Z"));
    expect(latestOccurrence("*/15 * * * *", at("2026-12-04T10:45:00Z"))).toBe(at("2026-12-04T10:45:00Z"));
    expect(latestOccurrence("0 0 * * *", at("2026-12-04T23:59:59Z"))).toBe(at("2026-12-04T00:00:00Z"));
  });

  test("next occurrence after now", () => {
    expect(nextOccurrence("*/15 * * * *", at("2026-12-04T10:45:00Z"))).toBe(at("2026-12-04T11:00:00Z"));
    expect(nextOccurrence("0 3 * * 1", at("2026-12-04T10:00:00Z"))).toBe(at("2026-12-07T03:00:00Z"));
  });

  test("invalid expressions name the value", () => {
    expect(() => validateSchedule("--schedule", "* * * *")).toThrow(
      "invalid --schedule '* * * *': expected five cron fields",
    );
    expect(() => validateSchedule("--schedule", "0 0 * * * *")).toThrow("expected five cron fields");
    expect(() => validateSchedule("--schedule", "61 * * * *")).toThrow(/invalid --schedule '61 \* \* \* \*'/);
    expect(validateSchedule("--schedule", " 5 4 * * 0 ")).toBe("5 4 * * 0");
  });
});
