"""Facts about an ``allowed`` mask are computed once per read-only mask and never for a mask that may change."""

from __future__ import annotations

import numpy as np

from azimuth.engine.index.base import MaskMemo


def test_facts_match_the_mask() -> None:
    mask = np.zeros(1000, dtype=bool)
    mask[[3, 17, 999]] = True
    facts = MaskMemo().facts(mask)
    assert facts.count == 3
    assert facts.rows.tolist() == [3, 17, 999]
    assert np.array_equal(np.unpackbits(facts.bits, bitorder="little")[:1000].astype(bool), mask)


def test_read_only_masks_are_remembered_by_identity() -> None:
    memo = MaskMemo()
    mask = np.arange(100) % 3 == 0
    mask.setflags(write=False)
    first = memo.facts(mask)
    assert memo.facts(mask) is first
    assert memo.facts(mask.copy()) is not first  # an equal but different array gets its own facts


def test_writable_masks_are_never_remembered() -> None:
    memo = MaskMemo()
    mask = np.ones(10, dtype=bool)
    assert memo.facts(mask).count == 10
    mask[:5] = False  # changed in place under the same identity
    assert memo.facts(mask).count == 5


def test_memo_keeps_a_bounded_number_of_masks() -> None:
    memo = MaskMemo()
    masks = []
    for i in range(MaskMemo.SIZE * 3):
        mask = np.zeros(50, dtype=bool)
        mask[i] = True
        mask.setflags(write=False)
        masks.append(mask)
        assert memo.facts(mask).rows.tolist() == [i]
    assert len(memo._entries) <= MaskMemo.SIZE
