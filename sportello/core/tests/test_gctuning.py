"""config/gctuning.py: the web and worker processes' garbage-collector settings."""

import gc

import pytest

from config.gctuning import DEFAULT_THRESHOLD, thresholds, tune_after_loading


def test_thresholds_from_the_environment():
    assert thresholds(None) == DEFAULT_THRESHOLD
    assert thresholds("") == DEFAULT_THRESHOLD
    assert thresholds("default") is None
    assert thresholds("20000,10,10") == (20000, 10, 10)
    with pytest.raises(ValueError):
        thresholds("-1")
    with pytest.raises(ValueError):
        thresholds("1,2,3,4")


def test_tuning_freezes_what_is_loaded_and_raises_the_thresholds(monkeypatch):
    before = gc.get_threshold()
    monkeypatch.setenv("GC_THRESHOLD", "40000,15,50")
    try:
        tune_after_loading()
        assert gc.get_threshold() == (40000, 15, 50)
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)


def test_default_keeps_cpythons_collector(monkeypatch):
    before = gc.get_threshold()
    monkeypatch.setenv("GC_THRESHOLD", "default")
    tune_after_loading()
    assert gc.get_threshold() == before
