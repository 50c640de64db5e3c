from common import windows as windows_module
from common.windows import (
    WindowDataset,
    chronological_split,
    count_test_points,
    first_batch,
    in_order,
    make_windows,
    model_windows,
    windows_per_epoch,
)

import numpy as np


def test_toy_windows_hold_the_steps_before_each_target():
    series = np.arange(10.0)
    windows, targets = make_windows(series[:, None], series, [3, 4, 9], window=3)
    assert windows.shape == (3, 3, 1)
    np.testing.assert_array_equal(windows[:, :, 0], [[0, 1, 2], [1, 2, 3], [6, 7, 8]])
    np.testing.assert_array_equal(targets, [3, 4, 9])


def test_target_is_never_inside_its_own_window():
    series = np.arange(100.0)
    steps = np.arange(12, 100)
    windows, targets = make_windows(series[:, None], series, steps, window=12)
    assert np.all(windows[:, :, 0].max(axis=1) < targets)
    assert np.all(windows[:, -1, 0] == targets - 1)  # the last input is the step just before


def test_count_test_points_follows_the_contract():
    assert count_test_points(168, 12, 0.2) == 32  # course milk, window 12
    assert count_test_points(486, 12, 0.2) == 95
    assert count_test_points(8000, 30, 0.2) == 1594


def test_count_test_points_is_exact_where_binary_floating_point_overshoots():
    assert 0.14 * 100 > 14  # 14.000000000000002 in binary floating point
    assert count_test_points(112, 12, 0.14) == 14  # not 15
    assert count_test_points(112, 12, 0.145) == 15  # 14.5 rounds up


def test_split_is_strictly_chronological_and_complete():
    train, validation, test = chronological_split(
        first_origin=25, test_start=136, rows=168, validation_fraction=0.15
    )
    assert train[0] == 25 and train[-1] < validation[0] and validation[-1] < test[0]
    assert test[0] == 136 and test[-1] == 167 and len(test) == 32
    assert len(train) + len(validation) == 136 - 25
    assert len(validation) == round(0.15 * 111)


def stacked_windows(features, origins, window):
    """The windows cut one by one, as the cases did before stride views: the reference."""
    return np.stack([features[t - window : t] for t in origins]).astype("float32")


def test_stride_view_windows_equal_windows_cut_one_by_one():
    features = np.random.default_rng(0).normal(size=(60, 3))
    for origins in (np.arange(10, 50), np.array([10, 11, 30, 59])):  # consecutive, or not
        windows, _ = make_windows(features, features[:, 0], origins, window=10)
        np.testing.assert_array_equal(windows, stacked_windows(features, origins, 10))
    view, _ = make_windows(features, features[:, 0], np.arange(10, 50), window=10)
    assert view.base is not None and view.nbytes > 0  # a view of the series: nothing copied
    assert not view.flags.writeable


def test_a_stream_serves_the_same_windows_each_epoch_in_a_seeded_order():
    features = np.random.default_rng(1).normal(size=(500, 2))
    origins = np.arange(20, 480)
    windows, targets = make_windows(features, features[:, 0], origins, window=20, horizon=2)
    stream = WindowDataset(
        features, features[:, 0], origins, 20, horizon=2, batch_size=64, shuffle=(7, None)
    )
    assert len(stream) == 8 and stream.shape == windows.shape  # ceil(460 / 64) batches
    seen = []
    for index in range(len(stream)):
        batch_windows, batch_targets = stream[index]
        chosen = stream.epoch_samples(0)[index * 64 : (index + 1) * 64]
        np.testing.assert_array_equal(batch_windows, windows[chosen])  # the materialised ones
        np.testing.assert_array_equal(batch_targets, targets[chosen])
        seen.extend(chosen)
    assert sorted(seen) == list(range(460))  # every window once an epoch
    again = WindowDataset(
        features, features[:, 0], origins, 20, horizon=2, batch_size=64, shuffle=(7, None)
    )
    np.testing.assert_array_equal(again.epoch_samples(0), stream.epoch_samples(0))  # same seed
    assert not np.array_equal(stream.epoch_samples(1), stream.epoch_samples(0))  # reshuffled
    in_time_order = WindowDataset(features, features[:, 0], origins, 20, horizon=2, batch_size=64)
    np.testing.assert_array_equal(in_time_order[1][0], windows[64:128])


def test_a_streamed_epoch_reads_the_next_share_of_a_shuffled_pass():
    features = np.arange(1000.0)[:, None]
    stream = WindowDataset(
        features, features[:, 0], np.arange(10, 1000), 10, batch_size=100, shuffle=(0, 300)
    )
    assert len(stream) == 3  # batches an epoch: 300 windows
    first_pass = np.concatenate([stream.epoch_samples(epoch) for epoch in range(3)])
    assert len(set(first_pass)) == 900  # three epochs, no window twice (90 wait for a new pass)
    stream.on_epoch_begin()
    stream.on_epoch_begin()  # Keras starts the second epoch: its batches come from share two
    np.testing.assert_array_equal(stream[0][1], features[stream.origins[first_pass[300:400]], 0])


def test_in_order_chunks_rebuild_the_windows_from_arrays_or_a_stream():
    features = np.random.default_rng(2).normal(size=(300, 2))
    origins = np.arange(30, 300)
    windows, targets = make_windows(features, features[:, 0], origins, window=30)
    stream = WindowDataset(features, features[:, 0], origins, 30, shuffle=(3, None))
    for source, source_targets in ((windows, targets), (stream, None)):
        pieces = list(in_order(source, source_targets, 50))
        assert len(pieces) == 6
        np.testing.assert_array_equal(np.concatenate([p[0] for p in pieces]), windows)
        np.testing.assert_array_equal(np.concatenate([p[1] for p in pieces]), targets)


def test_model_windows_are_arrays_until_they_pass_the_byte_budget(monkeypatch):
    features = np.random.default_rng(3).normal(size=(400, 4))
    origins = np.arange(24, 400)
    arrays, targets = model_windows(features, features[:, 0], origins, 24, seed=1)
    assert isinstance(arrays, np.ndarray) and arrays.shape == (376, 24, 4)
    assert windows_per_epoch(arrays) == 376
    assert first_batch(arrays, targets, 32)[0].shape == (32, 24, 4)
    # 377 windows of 24 x 4 float32 numbers: one byte more than the budget allows
    monkeypatch.setattr(windows_module, "WINDOW_BYTES", 377 * 24 * 4 * 4 - 1)
    monkeypatch.setattr(windows_module, "STREAMED_EPOCH_WINDOWS", 200)
    stream, none = model_windows(features, features[:, 0], origins, 24, seed=1)
    assert isinstance(stream, WindowDataset) and none is None
    assert windows_per_epoch(stream) == 200 and stream.batch_size == 8  # batch_size_for(200)
    batch_windows, batch_targets = first_batch(stream, None, 8)
    assert batch_windows.shape == (8, 24, 4) and batch_targets.shape == (8,)
    ordered, _ = model_windows(features, features[:, 0], origins, 24)  # validation, test
    assert ordered.seed is None and windows_per_epoch(ordered) == 376


def test_keras_trains_and_predicts_on_a_stream():
    import keras

    features = np.random.default_rng(4).normal(size=(300, 2)).astype("float32")
    origins = np.arange(12, 300)
    stream = WindowDataset(features, features[:, 0], origins, 12, batch_size=32, shuffle=(5, None))
    ordered = WindowDataset(features, features[:, 0], origins, 12, batch_size=100)
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((12, 2)), keras.layers.Flatten(), keras.layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    history = model.fit(stream, None, validation_data=(ordered, None), epochs=2, verbose=0)
    assert len(history.epoch) == 2 and stream.epoch == 1  # two epochs, each a fresh order
    windows, _ = make_windows(features, features[:, 0], origins, 12)
    predictions = model.predict(ordered, verbose=0)  # in time order, batch by batch
    np.testing.assert_allclose(predictions, model.predict(windows, verbose=0), rtol=1e-5, atol=1e-6)
