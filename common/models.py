"""The one recurrent-layer factory, for scripts that swap the cell and keep the rest.

The case scripts build their models in plain sight (`build_model` in each case), taking the
recurrent layer as a parameter; `compare_cells.py` and `inside_the_cells.py` pass this factory's
layers to those same builders, so every comparison trains exactly the network the case trains.
The text task's wide-and-deep model (a SimpleRNN path beside a bag of words) is here too.

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


WIDE_L2 = 1e-5  # weight decay of the wide path's weights, one per word or word pair


def build_wide_and_deep(case, vocabulary_size, sequence_length, bag_vectorizer):
    """Reading order and a bag of words in one model: case 8-1's SimpleRNN path beside a
    bag-of-words path.

    Deep path: token ids -> Embedding -> recurrent layer -> one logit (what reading order says).
    Wide path: the raw review -> TF-IDF of words and word pairs (`bag_vectorizer`, a
    TextVectorization adapted on the training reviews) -> one logit (what the words say).
    The two logits add up before the sigmoid, so each path learns what the other misses.
    case: the case8_1_rnn module (its embedding, dropout and SimpleRNN sizes).
    Inputs: {"token_ids": (reviews, sequence_length) ids, "review": (reviews, 1) strings}.
    """
    token_ids = keras.Input(shape=(sequence_length,), dtype="int64", name="token_ids")
    review = keras.Input(shape=(1,), dtype="string", name="review")
    word_vectors = keras.layers.Embedding(
        vocabulary_size, case.EMBEDDING_DIM, mask_zero=True, name="embedding"
    )(token_ids)  # (reviews, sequence_length, case.EMBEDDING_DIM)
    word_vectors = keras.layers.Dropout(case.EMBEDDING_DROPOUT, name="embedding_dropout")(
        word_vectors
    )
    recurrent_layer = keras.layers.SimpleRNN(
        case.RNN_SIZE, return_sequences=True, name="simple_rnn"
    )
    states = recurrent_layer(word_vectors)  # (reviews, sequence_length, case.RNN_SIZE)
    average = keras.layers.GlobalAveragePooling1D(name="average_state")(states)
    deep_logit = keras.layers.Dense(1, name="deep_logit")(average)
    bag = bag_vectorizer(review)  # (reviews, bag size) TF-IDF weights
    # Each review's weights scaled to unit length, as scikit-learn's TfidfVectorizer does: a long
    # review does not get larger inputs than a short one.
    bag = keras.layers.UnitNormalization(name="bag_unit_length")(bag)
    wide_logit = keras.layers.Dense(
        1, kernel_regularizer=keras.regularizers.L2(WIDE_L2), name="wide_logit"
    )(bag)
    logit = keras.layers.Add(name="logit")([deep_logit, wide_logit])
    probability = keras.layers.Activation("sigmoid", name="positive_probability")(logit)
    return keras.Model(
        {"token_ids": token_ids, "review": review},
        probability,
        name=f"wide_and_deep_{recurrent_layer.name}",
    )
