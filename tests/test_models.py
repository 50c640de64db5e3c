"""common/models.py: the one recurrent-layer factory, inside the cases' own builders."""

import case8_1_rnn
import case8_2_lstm
import case8_3_gru
from common import models
from common.cells import parameter_count

import keras
import pytest


@pytest.mark.parametrize("cell", ["simple_rnn", "lstm", "gru"])
@pytest.mark.parametrize("size, features", [(32, 1), (32, 4), (7, 3)])
def test_recurrent_params_match_the_formulas(cell, size, features):
    model = case8_2_lstm.build_model(5, features, models.recurrent_layer(cell, size))
    assert models.recurrent_params(model) == parameter_count(cell, size, features)


def test_bidirectional_gru_holds_two_grus():
    inputs = keras.Input(shape=(5, 3))
    model = keras.Model(inputs, models.recurrent_layer("bidirectional_gru", 8)(inputs))
    assert models.recurrent_params(model) == 2 * 3 * 8 * (8 + 3 + 2)


def test_keras_class_names_give_the_same_layers():
    assert isinstance(models.recurrent_layer("SimpleRNN", 4), keras.layers.SimpleRNN)
    assert models.recurrent_layer("LSTM", 4).name == "lstm"
    assert models.recurrent_layer("gru", 4, name="recurrent").name == "recurrent"


def test_the_cases_build_their_own_cell_by_default_and_swap_it_when_asked():
    assert isinstance(case8_2_lstm.build_model(12, 1).get_layer("lstm"), keras.layers.LSTM)
    assert isinstance(case8_3_gru.build_model(30, 4).get_layer("gru"), keras.layers.GRU)
    assert isinstance(
        case8_1_rnn.build_model(100, 20).get_layer("simple_rnn"), keras.layers.SimpleRNN
    )
    swapped = case8_3_gru.build_model(30, 4, models.recurrent_layer("lstm", case8_3_gru.GRU_SIZE))
    assert swapped.name == "lstm_forecaster"
    assert models.recurrent_params(swapped) == parameter_count("lstm", case8_3_gru.GRU_SIZE, 4)
    text_model = case8_1_rnn.build_model(
        100, 20, models.recurrent_layer("gru", case8_1_rnn.RNN_SIZE, return_sequences=True)
    )
    expected = parameter_count("gru", case8_1_rnn.RNN_SIZE, case8_1_rnn.EMBEDDING_DIM)
    assert models.recurrent_params(text_model) == expected
