"""Player settings: a key map by binding id and the theme, from settings.toml in the
config folder; a bad file is one located line and the game runs on defaults."""

from __future__ import annotations

import asyncio

import pytest
from support.app import Driver, make_app, northwind_game

from engine.problems import InputError
from simulator import settings

pytestmark = pytest.mark.usefixtures("fast_pilot")


@pytest.fixture
def config(tmp_path, monkeypatch):
    monkeypatch.setenv(settings.ENV, str(tmp_path))
    return tmp_path / settings.FILE


def test_a_missing_file_is_the_defaults(config):
    assert settings.load() == settings.Settings()


@pytest.mark.parametrize(
    "text, line",
    [
        ('theme = "nord"\n[keys\n', 2),
        ('colour = "red"\n', 1),
        ('[keys]\n"week.end_weak" = "E"\n', 1),
        ('[keys]\n"week.end_week" = 5\n', 1),
    ],
)
def test_a_bad_file_is_one_located_problem(config, text, line):
    config.write_text(text)
    with pytest.raises(InputError) as err:
        settings.load()
    (p,) = err.value.problems
    assert p.code in ("settings.toml", "settings.field") and p.line == line


def test_an_unknown_binding_suggests_the_nearest(config):
    config.write_text('[keys]\n"week.end_weak" = "E"\n')
    with pytest.raises(InputError) as err:
        settings.load()
    assert "week.end_week" in err.value.problems[0].hint


def test_a_remapped_key_works_and_help_shows_it(home, config):
    config.write_text('[keys]\n"week.end_week" = "E"\n')
    app = make_app(northwind_game(weeks=1))

    async def go():
        async with app.run_test(size=(100, 32)) as pilot:
            d = Driver(pilot)
            await d.wait_screen("WeekScreen")
            await d.press("E")
            await d.wait_screen("ConfirmModal")
            await d.press("n", "f1")
            await d.wait_screen("HelpScreen")
            return str(app.screen.query_one("#help-body > Static").content)

    assert "E " in asyncio.run(go())


def test_the_theme_is_remembered_and_keys_kept(config):
    config.write_text('[keys]\n"week.end_week" = "E"\n')
    settings.save_theme("nord")
    assert settings.load() == settings.Settings("nord", {"week.end_week": "E"})


def test_a_bad_file_leaves_the_game_on_defaults(home, config):
    config.write_text("not toml [")
    app = make_app(northwind_game(weeks=1))

    async def go():
        async with app.run_test(size=(100, 32)) as pilot:
            await pilot.pause()
            return app.theme, [n.title for n in app._notifications]

    theme, titles = asyncio.run(go())
    assert theme == "dealcraft" and "Settings not applied" in titles
