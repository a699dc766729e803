"""Configuration: discovery, every key, CLI overrides, and errors naming file and key."""

import json

import pytest

from conftest import TEAM_PACK, run_cli
from linter.config import ConfigError, find_config, load_config, validate

BOTH = "Hi Ana,\n\nLet me circle back on our synergy.\n"
SUGGESTION_ONLY = "Hi Ana,\n\nLet me circle back with the March figures.\n"


@pytest.fixture
def project(tmp_path):
    (tmp_path / "team").mkdir()
    (tmp_path / "team" / "pack.yml").write_text(TEAM_PACK)
    (tmp_path / "mail.txt").write_text(BOTH)
    return tmp_path


def write(project, body, name=".stoplint.toml"):
    (project / name).write_text(body)


def check(project, *args, cwd=None):
    proc = run_cli("check", "--no-model", "--format", "json", *args, cwd=cwd or project)
    data = json.loads(proc.stdout) if proc.stdout.startswith("{") else None
    return proc, data


def codes(data):
    return [(f["code"], f["line"]) for r in data["files"] for f in r["findings"]]


BASE = 'rules = ["team"]\nselect = ["G901", "T901"]\n'


def test_select_key(project):
    write(project, 'rules = ["team"]\nselect = ["G901"]\n')
    proc, data = check(project, "mail.txt")
    assert proc.returncode == 1, proc.stderr
    assert codes(data) == [("G901", 3)]


def test_cli_select_overrides_file(project):
    write(project, 'rules = ["team"]\nselect = ["G901"]\n')
    _, data = check(project, "--select", "T901", "mail.txt")
    assert codes(data) == [("T901", 3)]


def test_ignore_key_and_cli_ignore_adds_to_it(project):
    write(project, BASE + 'ignore = ["T901"]\n')
    _, data = check(project, "mail.txt")
    assert codes(data) == [("G901", 3)]
    proc, data = check(project, "--ignore", "G901", "mail.txt")  # as ruff: both ignores hold
    assert (proc.returncode, codes(data)) == (0, [])
    _, data = check(project, "--select", "T901", "mail.txt")  # a new selection: the config's ignore no longer narrows it
    assert codes(data) == [("T901", 3)]


def test_isolated_ignores_config_files(project):
    write(project, BASE + 'ignore = ["T901"]\nexclude = ["mail.txt"]\n')
    proc, data = check(project, "--isolated", "--select", "T901,G901", "mail.txt")
    # not excluded, and the team pack the config names is not loaded: its rules find nothing
    assert (proc.returncode, [r["path"] for r in data["files"]], codes(data)) == (0, ["mail.txt"], [])
    proc, data = check(project, "--select", "T901,G901", "mail.txt")
    assert (proc.returncode, data["files"]) == (0, [])  # without --isolated the config excludes it


def test_globs_are_relative_to_the_config_file_not_the_working_directory(project):
    legacy = project / "legacy"
    legacy.mkdir()
    (legacy / "old.txt").write_text(BOTH)
    (legacy / "kept.txt").write_text(BOTH)
    write(project, BASE + 'exclude = ["legacy/old.txt"]\n[per-file-ignores]\n"legacy/kept.txt" = ["G"]\n')
    proc, data = check(project, "old.txt", "kept.txt", cwd=legacy)
    assert proc.returncode == 0, proc.stderr  # T901 is a suggestion
    assert [(r["path"], [f["code"] for f in r["findings"]]) for r in data["files"]] == [("kept.txt", ["T901"])]
    elsewhere = project / "elsewhere"
    elsewhere.mkdir()
    proc, data = check(elsewhere, "--config", "../.stoplint.toml", "../legacy")
    assert [(r["path"], [f["code"] for f in r["findings"]]) for r in data["files"]] == [("../legacy/kept.txt", ["T901"])]


def test_extend_select_key(project):
    write(project, 'rules = ["team"]\nselect = ["G901"]\nextend-select = ["templated"]\n')
    _, data = check(project, "--ignore", "T1,T2,T3,T4,T5,T6,T7,T8", "mail.txt")
    assert codes(data) == [("T901", 3), ("G901", 3)]


def test_fail_on_key_and_cli_override(project):
    (project / "soft.txt").write_text(SUGGESTION_ONLY)
    write(project, BASE + 'fail-on = "suggestion"\n')
    proc, _ = check(project, "soft.txt")
    assert proc.returncode == 1
    write(project, BASE + 'fail-on = "warning"\n')
    proc, _ = check(project, "soft.txt")
    assert proc.returncode == 0
    proc, _ = check(project, "--fail-on", "suggestion", "soft.txt")
    assert proc.returncode == 1


def test_max_score_key_and_cli_override(project):
    write(project, BASE + 'fail-on = "never"\nmax-score = 0\n')
    proc, data = check(project, "mail.txt")
    assert data["files"][0]["score"] > 0
    assert proc.returncode == 1
    proc, _ = check(project, "--max-score", "100", "mail.txt")
    assert proc.returncode == 0


def test_rules_key_is_relative_to_the_config_file(project):
    write(project, BASE)
    sub = project / "sub"
    sub.mkdir()
    proc, data = check(project, "../mail.txt", cwd=sub)
    assert proc.returncode == 1, proc.stderr
    assert codes(data) == [("T901", 3), ("G901", 3)]


def test_per_file_ignores_key(project):
    (project / "drafts").mkdir()
    (project / "drafts" / "d.txt").write_text(BOTH)
    write(project, BASE + '[per-file-ignores]\n"drafts/*" = ["generic"]\n')
    _, data = check(project, "mail.txt", "drafts/d.txt")
    assert [(r["path"], [f["code"] for f in r["findings"]]) for r in data["files"]] == [
        ("mail.txt", ["T901", "G901"]),
        ("drafts/d.txt", ["T901"]),
    ]


def test_exclude_key(project):
    (project / "emails").mkdir()
    (project / "emails" / "a.txt").write_text(BOTH)
    (project / "emails" / "vendor").mkdir()
    (project / "emails" / "vendor" / "b.txt").write_text(BOTH)
    write(project, BASE + 'exclude = ["emails/vendor/*"]\n')
    _, data = check(project, "emails")
    assert [r["path"] for r in data["files"]] == ["emails/a.txt"]


def test_pyproject_table(project):
    write(project, '[tool.stoplint]\nrules = ["team"]\nselect = ["T901"]\n', "pyproject.toml")
    _, data = check(project, "mail.txt")
    assert codes(data) == [("T901", 3)]


def test_setup_cfg_section(project):
    write(project, "[metadata]\nname = x\n\n[stoplint]\nrules = team\nselect = G901, T901\nignore = T901\n"
                   "per-file-ignores =\n    other/*.txt: G\nmax_score = 90\n", "setup.cfg")
    config = load_config(str(project / "setup.cfg"))
    assert config.values == {"rules": ["team"], "select": ["G901", "T901"], "ignore": ["T901"],
                             "per-file-ignores": {"other/*.txt": ["G"]}, "max-score": 90}
    _, data = check(project, "mail.txt")
    assert codes(data) == [("G901", 3)]


def test_discovery_order_and_upward_search(project):
    deep = project / "a" / "b"
    deep.mkdir(parents=True)
    write(project, "[project]\nname = 'x'\n", "pyproject.toml")  # no [tool.stoplint]: skipped
    write(project, 'select = ["T"]\n')
    assert find_config(deep) == project / ".stoplint.toml"
    write(project, "[stoplint]\nselect = G\n", "setup.cfg")
    assert find_config(deep) == project / "setup.cfg"
    write(project, '[tool.stoplint]\nselect = ["S"]\n', "pyproject.toml")
    assert find_config(deep) == project / "pyproject.toml"
    write(project / "a", 'select = ["Q"]\n')
    assert find_config(deep) == project / "a" / ".stoplint.toml"


def test_explicit_config_wins(project):
    write(project, 'select = ["nonsense"]\n')  # would be an error if it were read
    write(project, BASE + 'select = ["T901"]\n'.replace("select", "ignore"), "other.toml")
    proc, data = check(project, "--config", "other.toml", "mail.txt")
    assert proc.returncode == 1, proc.stderr
    assert codes(data) == [("G901", 3)]


@pytest.mark.parametrize(
    "body,message",
    [
        ('colour = "red"\n', "unknown key 'colour'"),
        ('select = "T"\n', "key 'select' must be a list of strings"),
        ('select = ["X9"]\n', "key 'select': 'X9' is not a rule code, prefix or family"),
        ('ignore = ["T", 3]\n', "key 'ignore' must be a list of strings"),
        ('extend-select = ["bogus"]\n', "key 'extend-select': 'bogus' is not a rule code, prefix or family"),
        ('fail-on = "fatal"\n', "key 'fail-on' must be one of error, warning, suggestion, never"),
        ("max-score = 101\n", "key 'max-score' must be a whole number from 0 to 100"),
        ('max-score = "60"\n', "key 'max-score' must be a whole number from 0 to 100"),
        ("max-score = true\n", "key 'max-score' must be a whole number from 0 to 100"),
        ('rules = ["nowhere"]\n', "key 'rules': rule pack folder 'nowhere' not found"),
        ('exclude = [""]\n', "key 'exclude' has an empty entry"),
        ('[per-file-ignores]\n"a/*" = "T"\n', "key 'per-file-ignores' must map globs to lists"),
        ('[per-file-ignores]\n"a/*" = ["T", "Z"]\n', "key 'per-file-ignores': 'Z' (for 'a/*') is not a rule code"),
        ('select = ["T"]\nselect_x = 1\n', "unknown key 'select_x'"),
        ('fail_on = "error"\nfail-on = "error"\n', "key 'fail-on' is given twice"),
        ("select = [\n", "not valid TOML"),
    ],
)
def test_bad_config_exits_2_naming_file_and_key(project, body, message):
    write(project, body)
    proc = run_cli("check", "--no-model", "mail.txt", cwd=project)
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert ".stoplint.toml: " in proc.stderr and message in proc.stderr, proc.stderr


def test_every_config_error_at_once_with_a_near_name(project):
    write(project, 'fail_onn = "error"\nselect = ["templted"]\nfail-on = "warnings"\nmax-score = 120\n')
    proc = run_cli("check", "--no-model", "mail.txt", cwd=project)
    assert proc.returncode == 2 and proc.stdout == ""
    lines = [line.removeprefix("Error: ") for line in proc.stderr.strip().splitlines()]
    where = str(project / ".stoplint.toml")
    assert [line.split(": ", 1)[0] for line in lines] == [where] * 4
    assert "unknown key 'fail_onn'; did you mean 'fail-on'?" in lines[0]
    assert lines[1].endswith("'templted' is not a rule code, prefix or family; did you mean 'templated'?")
    assert lines[2].endswith("key 'fail-on' must be one of error, warning, suggestion, never; did you mean 'warning'?")
    assert lines[3].endswith("key 'max-score' must be a whole number from 0 to 100")


def test_config_command_shows_each_value_and_its_source(project):
    (project / "ci").mkdir()
    write(project / "ci", 'fail-on = "error"\nrules = ["../team"]\nbaseline = "known.json"\n')
    proc = run_cli("config", "--config", "ci/.stoplint.toml", cwd=project)
    assert proc.returncode == 0, proc.stderr
    where = "ci/.stoplint.toml"  # as given; paths in it are resolved from its folder
    lines = proc.stdout.splitlines()
    assert lines[0] == f"# config file: {where}"
    assert f'fail-on = "error"  # {where}' in lines
    assert f'baseline = "{project.resolve() / "ci" / "known.json"}"  # {where}' in lines
    assert "select = (the rules on by default)  # default" in lines
    assert "max-templates-per-sentence = 3  # default" in lines
    data = json.loads(run_cli("config", "--config", "ci/.stoplint.toml", "--format", "json", cwd=project).stdout)
    assert data["values"]["rules"] == {"value": [str(project.resolve() / "ci" / "../team")], "source": where}


def test_bad_setup_cfg_line(project):
    write(project, "[stoplint]\nper-file-ignores =\n    drafts/* G\n", "setup.cfg")
    with pytest.raises(ConfigError, match=r"setup.cfg: key 'per-file-ignores': write each line as 'glob: CODE, CODE'"):
        load_config(str(project / "setup.cfg"))


def test_missing_explicit_config(project):
    proc = run_cli("check", "--no-model", "--config", "nope.toml", "mail.txt", cwd=project)
    assert proc.returncode == 2
    assert "nope.toml: config file not found" in proc.stderr


def test_underscore_keys_are_accepted():
    assert validate({"fail_on": "error", "extend_select": ["T"]}, "x.toml") == {"fail-on": "error", "extend-select": ["T"]}


def test_sample_config_is_valid_and_finds_the_sample_pack():
    from conftest import ROOT

    config = load_config(str(ROOT / "examples" / "stoplint.toml"))
    assert config.values["fail-on"] == "warning" and config.values["max-score"] == 60
    assert config.values["per-file-ignores"] == {"sequences/breakup-*.j2": ["Q"], "templates/transactional/*": ["S", "T"]}
    proc = run_cli("rules", "--config", "examples/stoplint.toml")
    assert proc.returncode == 0, proc.stderr
    assert "G901  generic         warning    Uses an internal product code name the buyer has never heard" in proc.stdout


def test_ci_examples_run_the_gate_and_upload_reports():
    import yaml

    from conftest import ROOT

    gh = yaml.safe_load((ROOT / "examples" / "ci" / "github-actions.yml").read_text())
    steps = gh["jobs"]["stoplint"]["steps"]
    runs = "\n".join(s.get("run", "") for s in steps)
    assert "stoplint check --format github" in runs and "--format sarif -o stoplint.sarif" in runs
    assert any(s.get("uses", "").startswith("github/codeql-action/upload-sarif") for s in steps)
    gl = yaml.safe_load((ROOT / "examples" / "ci" / "gitlab-ci.yml").read_text())["stoplint"]
    assert gl["artifacts"]["reports"]["junit"] == "stoplint-junit.xml"
    assert gl["script"][-1] == "stoplint check --format junit -o stoplint-junit.xml emails/ templates/"
