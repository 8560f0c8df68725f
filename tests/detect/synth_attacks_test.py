#!/usr/bin/env python3
"""Every attack kind of `nta synth --attack` is detected by its detector, naming the ground
truth's attacker (only the victim for spoofed floods), at or after the attack's first packet; and
no alert of severity medium or above names hosts that take no part in the attack (the benign
background stays quiet).

Each kind runs alone on a 40-second, 10-host capture (two seeds), then all kinds together in one
60-second capture.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.dont_write_bytecode = True
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "cli"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from attack_eval import SEVERITIES, attack_kinds, involves, judge, synth_and_analyze  # noqa: E402
from nta_testlib import Checks, common_args  # noqa: E402

args = common_args(__doc__)
NTA = args.nta
WORK = Path(args.work)
C = Checks("synth_attacks_test")

kinds = attack_kinds(NTA)
if not kinds:
    print("SKIP: `nta synth --attack help` lists no attack kinds")
    sys.exit(77)


def check_run(label: str, kind: str, seed: int, seconds: float) -> None:
    truths, alerts, error = synth_and_analyze(NTA, WORK, kind, seed, seconds)
    if not C.check(f"{label}: synth and analyze run", not error and bool(truths), error):
        return
    for o in judge(truths, alerts):
        t = o.truth
        who = "victim " + ";".join(t.victims[:1]) if t.spoofed else "attacker " + ";".join(t.attackers)
        got = sorted({f"{a['alert']['id']}:{a.get('src_ip', '-')}->{a.get('dest_ip', '-')}" for a in alerts})
        if C.check(f"{label}: {t.attack} detected by {t.detector}, naming the {who}", o.detected, f"alerts: {got[:8]}"):
            C.check(f"{label}: {t.attack} alert not before the attack began", o.seconds_to_alert >= -1e-6,
                    f"{o.seconds_to_alert}")
    stray = [a for a in alerts if SEVERITIES.index(a["alert"]["severity"]) >= 1 and not involves(a, truths)]
    C.check(f"{label}: no medium+ alert about hosts outside the attacks", not stray,
            "; ".join(a["alert"]["summary"] for a in stray)[:500])


for kind in kinds:
    for seed in (1, 2):
        check_run(f"{kind} seed {seed}", kind, seed, 40)
check_run("all kinds at once", "all", 3, 60)

sys.exit(C.finish())
