#!/usr/bin/env bash
# Dependency audit: fails on any high or critical advisory. When the registry's audit service cannot be
# reached (some networks refuse it), says so plainly and does not fail: an unreachable service is not a finding.
set -uo pipefail
cd "$(dirname "$0")/.."

report="$(npm audit --audit-level=high --json 2>/dev/null)"
printf '%s' "$report" | node -e '
  let text = "";
  process.stdin.on("data", (d) => (text += d)).on("end", () => {
    let r;
    try { r = JSON.parse(text); } catch { console.log("npm audit: no report (the audit service did not answer)"); process.exit(0); }
    if (!r.metadata) {
      console.log(`npm audit: the audit service could not be reached (${String(r.message ?? r.statusCode).split(" - ")[0]}); nothing was checked`);
      process.exit(0);
    }
    const v = r.metadata.vulnerabilities;
    console.log(`npm audit: ${v.critical} critical, ${v.high} high, ${v.moderate} moderate, ${v.low} low`);
    process.exit(v.critical + v.high > 0 ? 1 : 0);
  });
'
