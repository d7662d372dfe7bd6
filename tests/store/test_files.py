"""Private, atomic files; damaged files set aside with a warning instead of a crash."""

import json
import os
import stat

import pytest

from agent.errors import StorageError
from agent.secret import Secret
from agent.store.client_id import load_client_id, new_client_id
from agent.store.credentials import CredentialStore, StoredToken
from agent.store.dirs import AppDirs
from agent.store.files import atomic_write_json, drain_recovered, read_json
from agent.store.projects import (
    BackendSession,
    ProjectStore,
    current_project,
    project_slug,
    start_new_project,
)


@pytest.fixture
def dirs(tmp_path):
    return AppDirs.from_env(
        {
            "HOME": str(tmp_path),
            "XDG_CONFIG_HOME": str(tmp_path / "c"),
            "XDG_STATE_HOME": str(tmp_path / "s"),
            "XDG_CACHE_HOME": str(tmp_path / "k"),
        }
    )


def mode(path):
    return stat.S_IMODE(path.stat().st_mode)


def test_atomic_write_is_private(tmp_path):
    target = tmp_path / "a" / "b" / "x.json"
    atomic_write_json(target, {"k": "v"})
    assert mode(target) == 0o600 and mode(target.parent) == 0o700
    assert read_json(target) == {"k": "v"}
    assert [p.name for p in target.parent.iterdir()] == ["x.json"]


def test_corrupt_json_is_quarantined(tmp_path):
    target = tmp_path / "x.json"
    target.write_text("{not json")
    assert read_json(target) is None
    recovered = drain_recovered()
    assert recovered and recovered[0][0] == target
    assert (tmp_path / "x.json.corrupt-1").read_text() == "{not json"


def test_write_into_read_only_dir_is_a_storage_error(tmp_path):
    if os.geteuid() == 0:
        pytest.skip("root ignores directory permissions")
    locked = tmp_path / "ro"
    locked.mkdir(mode=0o500)
    with pytest.raises(StorageError):
        atomic_write_json(locked / "x.json", {})


def test_credentials_round_trip_and_repr(dirs):
    store = CredentialStore(dirs)
    token = StoredToken(
        Secret("nmv_usr_abcdef123456"), "2099-01-01T00:00:00Z", "anon_1", "cid", True
    )
    store.save("http://127.0.0.1:1", token)
    loaded = store.load("http://127.0.0.1:1")
    assert loaded.token.reveal() == "nmv_usr_abcdef123456"
    assert "abcdef" not in repr(loaded)
    assert store.load("https://other") is None
    assert mode(dirs.credentials_file) == 0o600


def test_hand_edited_credentials_are_recovered(dirs):
    dirs.config.mkdir(parents=True)
    dirs.credentials_file.write_text(json.dumps({"backends": ["not", "a", "map"]}))
    assert CredentialStore(dirs).load("x") is None
    assert list(dirs.config.glob("credentials.json.corrupt-*"))
    drain_recovered()


@pytest.mark.parametrize(
    ("expires", "expired"),
    [
        ("2000-01-01T00:00:00Z", True),
        ("2999-01-01T00:00:00Z", False),
        (None, False),
        ("garbage", False),
    ],
)
def test_token_expiry(expires, expired):
    assert StoredToken(Secret("nmv_usr_x"), expires).expired() is expired


def test_client_id_is_created_once_and_shared(dirs):
    first = load_client_id(dirs, {})
    assert load_client_id(dirs, {}) == first
    assert dirs.vendor_client_id_file.read_text() == first + "\n"
    assert load_client_id(dirs, {"NEMO_CLIENT_ID": "from-env"}) == "from-env"
    assert new_client_id(dirs) != first


def test_projects_keep_sessions_per_backend(dirs):
    project = ProjectStore(dirs, "default")
    project.save_session("http://a", BackendSession("111", "t1", "anon_1", 1.0))
    project.save_language("zh-CN")
    again = ProjectStore(dirs, "default")
    assert again.session("http://a").session_id == "111"
    assert again.session("http://b") is None
    assert again.language() == "zh-CN"
    again.forget_session("http://a")
    assert ProjectStore(dirs, "default").session("http://a") is None


def test_new_project_moves_the_identity_on(dirs):
    assert current_project(dirs, "claude:abc") == "claude:abc"
    second = start_new_project(dirs, "claude:abc")
    assert current_project(dirs, "claude:abc") == second == "claude:abc#2"
    assert start_new_project(dirs, "claude:abc") == "claude:abc#3"
    assert project_slug("claude:abc#2") != project_slug("claude:abc#3")


@pytest.mark.parametrize(
    "name", ["default", "My Project", "../../etc", "名字", "a" * 200, "openclaw:tg:1:2"]
)
def test_project_slug_is_a_safe_folder_name(name):
    slug = project_slug(name)
    assert "/" not in slug and not slug.startswith(".") and 0 < len(slug) <= 48
