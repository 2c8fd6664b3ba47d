"""The fast internals of loading and validating agree with the plain ways they replace."""

from __future__ import annotations

import random

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from generator.inputs import load, validate


def _plain_records(data: bytes) -> tuple[np.ndarray, np.ndarray]:
    """Start line and blankness of every record, the header included, by walking the bytes."""
    starts, blanks, line, inside, start = [], [], 1, False, 0
    record_line = 1
    for offset, byte in enumerate(data):
        if byte == 0x22:
            inside = not inside
        elif byte == 0x0A:
            if not inside:
                starts.append(record_line)
                blanks.append(data[start:offset] in (b"", b"\r"))
                start, record_line = offset + 1, line + 1
            line += 1
    if start < len(data):
        starts.append(record_line)
        blanks.append(data[start:] in (b"", b"\r"))
    return np.array(starts, dtype=np.int64), np.array(blanks, dtype=bool)


@pytest.mark.parametrize("seed", range(40))
def test_lines_match_a_walk_over_the_bytes(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(load, "_SCAN", 16)  # many small steps, quotes across their borders
    rnd = random.Random(seed)
    pieces = ["a", "bc", ",", '"', '""', "\n", "\r\n", "\n\n", "\r"]
    data = "".join(rnd.choice(pieces) for _ in range(rnd.randrange(1, 120))).encode()
    buffer = np.frombuffer(data, dtype=np.uint8)
    lines = load._Lines(buffer, load._newlines_per_step(buffer))
    starts, blanks = _plain_records(data)
    assert lines.count == len(starts)
    records = np.arange(len(starts))
    assert list(lines.start_lines(records)) == list(starts)
    if len(starts) > 1:
        assert list(lines.blank(records[1:])) == list(blanks[1:])
    for offset in range(len(data)):
        # records that end before the offset: outside-quote newlines before it
        assert lines.records_before(offset) == int(np.sum(_plain_ends(data) < offset))


def _plain_ends(data: bytes) -> np.ndarray:
    ends, inside = [], False
    for offset, byte in enumerate(data):
        if byte == 0x22:
            inside = not inside
        elif byte == 0x0A and not inside:
            ends.append(offset)
    return np.array(ends, dtype=np.int64)


@pytest.mark.parametrize(
    "values",
    [
        ["a", "b c", None],
        ["a ", "b"],
        [" a", None],
        ["\u3000a"],
        ["a\u00a0"],
        ["a\t"],
        [None, None],
        ["中文", "x"],
    ],
)
def test_needs_trim_whenever_trimming_changes_something(values: list[str | None]) -> None:
    array = pa.chunked_array([pa.array(values, pa.large_string())])
    trimmed = pc.utf8_trim_whitespace(array)
    changes = (
        not pc.all(pc.equal(trimmed, array)).as_py() if array.null_count < len(array) else False
    )
    if changes:
        assert load._needs_trim(array)
    if all(v is None or v.isascii() for v in values):
        assert load._needs_trim(array) == changes


def test_categorical_is_trimmed_mapped_and_sorted_like_astype_category() -> None:
    chunks = [
        pa.array([" P1", "P2", None, "x "], pa.large_string()).dictionary_encode(),
        pa.array(["P2", "  ", "1 - Critical", None], pa.large_string()).dictionary_encode(),
        pa.array([None], pa.large_string()).dictionary_encode(),
    ]
    values = pa.chunked_array(chunks)
    got = load._categorical(values, trim=True, mapping={"1 - Critical": "P1", "x": ""})
    plain = pd.Series(["P1", "P2", None, "", "P2", None, "P1", None, None], dtype="str").astype(
        "category"
    )
    assert got.dtype == plain.dtype
    assert got.equals(plain)


@pytest.mark.parametrize("seed", range(20))
def test_repeated_ids_are_those_pandas_finds(seed: int) -> None:
    rnd = random.Random(seed)
    ids: list[str | None] = [f"INC{i:05d}" for i in range(200)]
    for _ in range(rnd.randrange(0, 4)):  # a few out of place, maybe repeating
        ids[rnd.randrange(200)] = f"INC{rnd.randrange(220):05d}"
    if seed % 3 == 0:
        rnd.shuffle(ids)
    if seed % 4 == 0:
        ids[rnd.randrange(200)] = None
    series = pd.Series(ids, dtype="str")
    expected = (series.notna() & series.duplicated(keep=False)).to_numpy()
    got = validate._repeated(series)
    if expected.any():
        assert got is not None and list(got) == list(expected)
    else:
        assert got is None


def test_cast_or_locate_finds_every_refused_value() -> None:
    text = ["2026-10-02 10:00"] * 50 + ["bad"] + ["2026-10-02"] * 30 + ["31/02/2026", None]
    values = pa.chunked_array([pa.array(text[:40]), pa.array(text[40:])])
    cast, refused = validate._cast_or_locate(values, pa.timestamp("ns"))
    assert list(refused) == [50, 81]
    assert cast.null_count == 3 and len(cast) == len(text)
    assert cast[0].value == pd.Timestamp("2026-10-02 10:00").value


@pytest.mark.parametrize(
    "timezone", ["Asia/Hong_Kong", "Europe/London", "Australia/Lord_Howe", "America/St_Johns"]
)
@pytest.mark.parametrize(
    "span",
    [("2026-01-05", "2026-02-20"), ("2026-03-20", "2026-04-30"), ("2025-01-01", "2027-12-31")],
)
def test_localized_is_tz_localize(timezone: str, span: tuple[str, str]) -> None:
    naive = pd.Series(pd.date_range(*span, freq="7min", unit="ns"))
    naive[3] = pd.NaT
    parsed = pa.chunked_array([pa.array(naive, type=pa.timestamp("ns"))])
    expected = naive.dt.tz_localize(timezone, ambiguous="NaT", nonexistent="NaT")
    got = validate._localized(parsed, naive.index, timezone)
    assert got.dtype == expected.dtype
    assert got.equals(expected)


def test_kept_categories_are_those_remove_unused_categories_leaves() -> None:
    values = pd.Series(["b", "a", None, "d", "b", "c"], dtype="str").astype("category")
    for kept in ([0, 1, 2], [2, 3], [2], [0, 1, 2, 3, 4, 5], [], [1, 5]):
        keep = np.isin(np.arange(len(values)), kept)
        got = validate._kept_categories(values, keep, np.flatnonzero(~keep))
        expected = values[keep].reset_index(drop=True).cat.remove_unused_categories()
        assert got.dtype == expected.dtype
        assert got.equals(expected)


def test_rows_keeps_the_rows_and_dtypes() -> None:
    frame = load.frame_from(
        {
            "text": pd.Series(["a", None, "c", "d"], dtype="str"),
            "kind": pd.Series(["x", "y", "x", "z"], dtype="str").astype("category"),
            "when": pd.Series(pd.date_range("2026-01-01", periods=4, tz="Asia/Hong_Kong")),
            "flag": pd.Series([True, None, False, True], dtype="boolean"),
            "number": pd.Series([1.0, None, 3.0, 4.0]),
        }
    )
    keep = np.array([True, False, True, False])
    got = validate.kept_rows(frame, keep)
    expected = frame[keep].reset_index(drop=True)
    expected["kind"] = expected["kind"].cat.remove_unused_categories()
    pd.testing.assert_frame_equal(got, expected)


def test_reference_lookup_table_and_per_check_lookups_agree(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    frame = pd.DataFrame(
        {
            "client_id": pd.Series(["a", "a", "b", None, "c"], dtype="str").astype("category"),
            "site_id": pd.Series(["S1", "S2", "S1", "S1", None], dtype="str"),
            "system": pd.Series(["cctv", "cctv", "lift", None, "cctv"], dtype="str"),
        }
    )
    checks = {
        "client_id": {("a",), ("b",)},
        "site_id": {("a", "S1"), ("b", "S1")},
        "system": {("a", "S1", "cctv"), ("b", "S1", "cctv")},
    }
    table = validate._known_references(frame, checks)
    monkeypatch.setattr(validate, "MAX_LOOKUP_CELLS", 0)
    separate = validate._known_references(frame, checks)
    for check in checks:
        assert list(table[check]) == list(separate[check])
    assert list(table["system"]) == [True, False, False, False, False]
