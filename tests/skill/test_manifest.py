"""skill.md frontmatter: both forms read; every broken form is a clear error naming the file."""

import pytest

from agent.errors import SkillManifestError
from agent.skill.manifest import load_manifest, locate_skill_file, parse_manifest
from tests.support import FIXTURES, ROOT


def test_project_skill_md_is_found_and_valid():
    path = locate_skill_file({})
    assert path == ROOT / "skill.md"
    manifest = load_manifest(path)
    assert manifest.name == "wan-22"
    assert manifest.version
    assert len(manifest.description) <= 1024
    assert "<" not in manifest.description and ">" not in manifest.description


def test_strict_form_keeps_version_in_metadata():
    manifest = parse_manifest((FIXTURES / "skill" / "strict.md").read_text(), "strict.md")
    assert (manifest.name, manifest.version) == ("wan-22", "1.2.3")


def test_openclaw_form():
    manifest = parse_manifest((FIXTURES / "skill" / "openclaw.md").read_text(), "o.md")
    assert (manifest.version, manifest.homepage) == ("0.4.0", "https://example.test")


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("no frontmatter here", "no YAML frontmatter"),
        ("", "no YAML frontmatter"),
        ("---\nname: x\n", "not closed"),
        ("---\nname: [unclosed\n---\n", "not valid YAML"),
        ("---\n- a list\n---\n", "not a mapping"),
        ("---\nversion: 1\ndescription: d\n---\n", "no 'name'"),
        ("---\nname: x\ndescription: d\n---\n", "no 'version'"),
        ("---\nname: x\nversion: 1\n---\n", "no 'description'"),
        ("---\nname: x\nversion: true\ndescription: d\n---\n", "no 'version'"),
        (
            "---\nname: !!python/object:os.system x\nversion: 1\ndescription: d\n---\n",
            "not valid YAML",
        ),
    ],
)
def test_broken_frontmatter_is_a_clear_error(text, problem):
    with pytest.raises(SkillManifestError) as caught:
        parse_manifest(text, "/skills/wan-22/SKILL.md")
    assert problem in str(caught.value)
    assert "/skills/wan-22/SKILL.md" in str(caught.value)


def test_manifest_cache_follows_the_file(tmp_path):
    skill = tmp_path / "SKILL.md"
    skill.write_text((FIXTURES / "skill" / "openclaw.md").read_text())
    cache = tmp_path / "cache"
    assert load_manifest(skill, cache).version == "0.4.0"
    assert (cache / "manifest.json").exists()
    skill.write_text(skill.read_text().replace("0.4.0", "0.5.10"))
    assert load_manifest(skill, cache).version == "0.5.10"


def test_skill_dir_env_wins(tmp_path):
    (tmp_path / "SKILL.md").write_text((FIXTURES / "skill" / "strict.md").read_text())
    assert locate_skill_file({"WAN22_SKILL_DIR": str(tmp_path)}) == tmp_path / "SKILL.md"
