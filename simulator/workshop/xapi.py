"""Learning records: a workshop's results as xAPI statements (the xAPI Serious Games
profile's verbs), written to a file or posted to a learning record store (LRS).

Per human team (scripted, bot and test teams are not learners): `initialized` the game,
`progressed` once per week played (result.extensions progress, the week's alignment as
the score) and, once the deal is decided, `completed` (score: the expected, luck-free
score scaled 0..1; success: the deal was won). The actor is the team, an identified
Group (its account: the workshop's home page and CODE/team). Statement ids are UUID5s of
(session, team, verb, week), so exporting twice gives the same statements and an LRS
keeps one copy. The LRS credentials come from the environment, never from argv.
"""

from __future__ import annotations

import base64
import json
import os
import time
import uuid
from datetime import UTC, datetime

from engine.problems import InputError
from simulator.workshop.records import SessionInfo
from simulator.workshop.results import TeamResult

XAPI_VERSION = "1.0.3"
NAMESPACE = uuid.UUID("6d1f4b4e-6a43-4f7e-9a61-6b2c8d9a3f10")  # Dealcraft's statement ids
DEFAULT_HOME = "https://dealcraft.invalid"  # the actors' account home page, without --home
SG = "https://w3id.org/xapi/seriousgames"
SERIOUS_GAME = f"{SG}/activity-types/serious-game"
LEVEL = f"{SG}/activity-types/level"
PROGRESS = f"{SG}/extensions/progress"
VERBS = {
    "initialized": "http://adlnet.gov/expapi/verbs/initialized",
    "progressed": "http://adlnet.gov/expapi/verbs/progressed",
    "completed": "http://adlnet.gov/expapi/verbs/completed",
}
USER_ENV, PASSWORD_ENV = "DEALCRAFT_LRS_USER", "DEALCRAFT_LRS_PASSWORD"
POST_BATCH = 200  # statements per POST


def _iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _sid(info: SessionInfo, team: str, verb: str, week: int = 0) -> str:
    return str(uuid.uuid5(NAMESPACE, f"{info.code}/{team}/{verb}/{week}"))


def statements(
    info: SessionInfo,
    scenario,
    rows: list[TeamResult],
    home: str = DEFAULT_HOME,
    now: float | None = None,
) -> list[dict]:
    """The xAPI statements of a workshop's human teams (see the module docstring)."""
    now = time.time() if now is None else now
    home = home.rstrip("/")
    game = {
        "objectType": "Activity",
        "id": f"{home}/scenarios/{scenario.id}",
        "definition": {
            "type": SERIOUS_GAME,
            "name": {"en-US": scenario.title},
            "description": {"en-US": f"Dealcraft sales simulation, {scenario.deal.weeks} weeks"},
        },
    }
    context = {
        "registration": str(uuid.uuid5(NAMESPACE, f"session/{info.code}/{info.created_at}")),
        "platform": "Dealcraft",
        "language": "en-US",
        "contextActivities": {
            "category": [
                {"id": SG, "definition": {"type": "http://adlnet.gov/expapi/activities/profile"}}
            ],
            "grouping": [
                {
                    "objectType": "Activity",
                    "id": f"{home}/workshops/{info.code}",
                    "definition": {"name": {"en-US": info.name}},
                }
            ],
        },
    }

    def verb(name: str) -> dict:
        return {"id": VERBS[name], "display": {"en-US": name}}

    out = []
    for r in rows:
        if not r.human or r.error:
            continue
        actor = {
            "objectType": "Group",
            "name": r.name,
            "account": {"homePage": home, "name": f"{info.code}/{r.name}"},
        }

        def stmt(
            name: str,
            obj: dict,
            result: dict | None,
            week: int = 0,
            when: float = now,
            r: TeamResult = r,
            actor: dict = actor,
        ) -> dict:
            s = {
                "id": _sid(info, r.name, name, week),
                "actor": actor,
                "verb": verb(name),
                "object": obj,
                "context": context,
                "timestamp": _iso(when),
                "version": XAPI_VERSION,
            }
            if result is not None:
                s["result"] = result
            return s

        out.append(stmt("initialized", game, None, when=info.created_at))
        align = r.weekly.get("alignment", [])
        weeks = scenario.deal.weeks
        for w in range(1, r.weeks_played + 1):
            level = {
                "objectType": "Activity",
                "id": f"{game['id']}/weeks/{w}",
                "definition": {"type": LEVEL, "name": {"en-US": f"Week {w}"}},
            }
            a = align[w - 1] if w - 1 < len(align) and align[w - 1] == align[w - 1] else 0.0
            result = {
                "score": {"scaled": round(a / 100, 4), "raw": round(a, 2), "min": 0, "max": 100},
                "extensions": {PROGRESS: round(w / weeks, 4)},
            }
            out.append(stmt("progressed", level, result, week=w))
        if r.over:
            result = {
                "score": {
                    "scaled": round(max(0.0, min(r.expected_score, 100.0)) / 100, 4),
                    "raw": round(r.expected_score, 2),
                    "min": 0,
                    "max": 100,
                },
                "success": r.result == "win",
                "completion": True,
                "extensions": {PROGRESS: 1.0},
            }
            out.append(stmt("completed", game, result, week=r.weeks_played + 1))
    return out


def write(path: str, items: list[dict]) -> None:
    try:
        with open(path, "w", encoding="utf-8") as fh:
            json.dump(items, fh, indent=2, ensure_ascii=False)
            fh.write("\n")
    except OSError as exc:
        raise InputError.at(path, "file.write", f"cannot write: {exc.strerror}") from None


def credentials() -> tuple[str, str]:
    """The LRS user and password from the environment; InputError (workshop.lrs) without."""
    user, password = os.environ.get(USER_ENV), os.environ.get(PASSWORD_ENV)
    if not user or not password:
        raise InputError.at(
            "--lrs",
            "workshop.lrs",
            f"set ${USER_ENV} and ${PASSWORD_ENV} to the LRS's credentials (they are never "
            "taken from the command line)",
        )
    return user, password


def post(url: str, items: list[dict], user: str, password: str, timeout: float = 30) -> int:
    """POST the statements to the LRS's statements resource (`url` is its xAPI endpoint,
    e.g. http://127.0.0.1:8100/xAPI); the number sent. InputError (workshop.lrs) when
    the LRS refuses them or cannot be reached, naming its answer but not the credentials."""
    import urllib.error
    import urllib.request

    if not url.startswith(("http://", "https://")):
        raise InputError.at("--lrs", "workshop.lrs", f"'{url}' is not an http(s) URL")
    token = base64.b64encode(f"{user}:{password}".encode()).decode()
    endpoint = url.rstrip("/") + "/statements"
    sent = 0
    for i in range(0, len(items), POST_BATCH):
        batch = items[i : i + POST_BATCH]
        req = urllib.request.Request(
            endpoint,
            data=json.dumps(batch).encode("utf-8"),
            method="POST",
            headers={
                "Content-Type": "application/json",
                "X-Experience-API-Version": XAPI_VERSION,
                "Authorization": f"Basic {token}",
            },
        )
        try:
            with urllib.request.urlopen(req, timeout=timeout) as resp:
                resp.read()
        except urllib.error.HTTPError as exc:
            body = exc.read().decode("utf-8", "replace")[:300]
            raise InputError.at(
                "--lrs", "workshop.lrs", f"the LRS refused the statements ({exc.code}): {body}"
            ) from None
        except (urllib.error.URLError, OSError) as exc:
            why = getattr(exc, "reason", exc)
            raise InputError.at("--lrs", "workshop.lrs", f"cannot reach {url}: {why}") from None
        sent += len(batch)
    return sent
