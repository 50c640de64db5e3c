"""The one recurrent-layer factory, for scripts that swap the cell and keep the rest.

The case scripts build their models in plain sight (`build_model` in each case), taking the
recurrent layer as a parameter; `compare_cells.py` and `inside_the_cells.py` pass this factory's
layers to those same builders, so every comparison trains exactly the network the case trains.

    layer = recurrent_layer("gru", 32)          # keras.layers.GRU(32, name="gru")
    model = case8_2_lstm.build_model(12, 1, layer)
"""

import math

import keras

RECURRENT_LAYERS = {
    "simple_rnn": keras.layers.SimpleRNN,
    "lstm": keras.layers.LSTM,
    "gru": keras.layers.GRU,
}
KERAS_NAMES = {
    "SimpleRNN": "simple_rnn",
    "LSTM": "lstm",
    "GRU": "gru",
}  # Keras' class names, also accepted
CELLS = [*RECURRENT_LAYERS, "bidirectional_gru"]

# What the course's table says of each cell: gates, and whether it keeps a separate cell state.
CELL_FACTS = {
    "simple_rnn": {"gates": 0, "cell_state": False, "formula": "n(n+m+1)"},
    "lstm": {"gates": 3, "cell_state": True, "formula": "4n(n+m+1)"},
    "gru": {"gates": 2, "cell_state": False, "formula": "3n(n+m+2)"},
    "bidirectional_gru": {"gates": 2, "cell_state": False, "formula": "2 x 3n(n+m+2)"},
    # case 8-1's SimpleRNN path beside a bag-of-words path (compare_cells.py's text task)
    "wide_and_deep": {"gates": 0, "cell_state": False, "formula": "n(n+m+1), SimpleRNN path"},
}


def recurrent_layer(cell, size, name=None, **options):
    """A fresh recurrent layer: 'simple_rnn', 'lstm', 'gru' (or SimpleRNN, LSTM, GRU)
    or 'bidirectional_gru'.

    size: numbers in the hidden state (Keras' `units`). name: the layer's name (default: the
    cell's, e.g. "lstm"). `options` go to the layer (e.g. activation="relu"). Keras' default
    activations and no recurrent dropout keep LSTM and GRU eligible for cuDNN on a GPU. Seed
    first (`training.seed_everything`) for the same weights every run. The layer returns its
    last hidden state, (batch, size) (twice that for the bidirectional one).
    """
    cell = KERAS_NAMES.get(cell, cell)
    if cell == "bidirectional_gru":
        return keras.layers.Bidirectional(keras.layers.GRU(size, **options), name=name or cell)
    return RECURRENT_LAYERS[cell](size, name=name or cell, **options)


def recurrent_params(model):
    """Parameters of the model's (first) recurrent layer, counted from its weights."""
    layer = next(
        layer
        for layer in model.layers
        if isinstance(layer, (keras.layers.RNN, keras.layers.Bidirectional))
    )
    return int(sum(math.prod(weight.shape) for weight in layer.weights))
