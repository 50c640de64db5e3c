"""Models that differ only in their recurrent cell, for side-by-side comparisons.

The case scripts build their own models in plain sight (`keras.layers.LSTM(32)`); this module
is for `compare_cells.py`, which needs the same network with SimpleRNN, LSTM or GRU swapped in.
"""

import math

import keras

RECURRENT_LAYERS = {"simple_rnn": keras.layers.SimpleRNN, "lstm": keras.layers.LSTM, "gru": keras.layers.GRU}

# What the course's table says of each cell: gates, and whether it keeps a separate cell state.
CELL_FACTS = {
    "simple_rnn": {"gates": 0, "cell_state": False, "formula": "n(n+m+1)"},
    "lstm": {"gates": 3, "cell_state": True, "formula": "4n(n+m+1)"},
    "gru": {"gates": 2, "cell_state": False, "formula": "3n(n+m+2)"},
    "bidirectional-gru": {"gates": 2, "cell_state": False, "formula": "2 x 3n(n+m+2)"},
}


def recurrent_layer(cell, units, name="recurrent"):
    """A recurrent layer by name: 'simple_rnn', 'lstm', 'gru' or 'bidirectional-gru'.

    Default activations and no recurrent dropout keep LSTM and GRU eligible for cuDNN on a GPU.
    """
    if cell == "bidirectional-gru":
        return keras.layers.Bidirectional(keras.layers.GRU(units), name=name)
    return RECURRENT_LAYERS[cell](units, name=name)


def forecaster(cell, window, features, units):
    """Input (window, features) -> recurrent layer -> Dense(1), as in cases 8-2 and 8-3."""
    inputs = keras.Input(shape=(window, features), name="window")
    hidden = recurrent_layer(cell, units)(inputs)
    outputs = keras.layers.Dense(1, name="next_value")(hidden)
    return keras.Model(inputs, outputs, name=f"{cell.replace('-', '_')}_forecaster")


def text_classifier(cell, vocabulary_size, sequence_length, units, embedding_dim=64, dropout=0.3):
    """Token ids -> Embedding(mask_zero) -> recurrent layer -> P(positive), as in case 8-1."""
    token_ids = keras.Input(shape=(sequence_length,), dtype="int64", name="token_ids")
    word_vectors = keras.layers.Embedding(vocabulary_size, embedding_dim, mask_zero=True, name="embedding")(token_ids)
    word_vectors = keras.layers.Dropout(dropout, name="embedding_dropout")(word_vectors)
    hidden = recurrent_layer(cell, units)(word_vectors)
    probability = keras.layers.Dense(1, activation="sigmoid", name="positive_probability")(hidden)
    return keras.Model(token_ids, probability, name=f"{cell.replace('-', '_')}_classifier")


def recurrent_params(model, name="recurrent"):
    """Parameters of the recurrent layer, counted from its weights."""
    return int(sum(math.prod(weight.shape) for weight in model.get_layer(name).weights))
