"""Loading a forecaster a case saved, and checking that inside_the_cells.py can look inside it.

Each check raises `UsageError` with the reason and what to do next. A learner never needs to
step in here.
"""

from pathlib import Path

from common import models
from common.machinery.errors import UsageError

import keras

HOW_TO_GET_ONE = (
    "give the model.keras of a forecasting case (case8_2_lstm.py writes "
    "outputs/case8_2_lstm/model.keras), or leave out --model"
)


def load_recurrent_model(path):
    """The Keras model saved at `path`, and its first recurrent layer.

    The model must take one input of shape (batch, steps, features), and its first SimpleRNN,
    LSTM or GRU layer must use Keras' default activations and biases (what common/cells.py
    computes) and read that input directly. Returns (model, layer).
    """
    path = Path(path)
    if not path.is_file():
        raise UsageError(f"no model file at {path}: {HOW_TO_GET_ONE}")
    if path.suffix != ".keras":
        raise UsageError(
            f"{path} is a {path.suffix or 'suffix-less'} file, not a saved Keras model (a "
            f"model.keras file): {HOW_TO_GET_ONE}"
        )
    from common import text  # noqa: F401  (registers case 8-1's standardisation: its model loads)

    try:
        model = keras.saving.load_model(path)
    except (ValueError, OSError, TypeError, KeyError) as error:
        reason = " ".join(str(error).split())  # on one line
        raise UsageError(
            f"{path} could not be loaded as a Keras model ({reason[:300]}): {HOW_TO_GET_ONE}"
        ) from None
    shape = model.input_shape
    if any(getattr(tensor, "dtype", None) == "string" for tensor in model.inputs):
        raise UsageError(
            f"{path} is a text classifier such as case 8-1's (it reads review text, not a "
            f"series of numbers): {HOW_TO_GET_ONE}"
        )
    if not (isinstance(shape, tuple) and len(shape) == 3):
        raise UsageError(
            f"{path} does not take one input of shape (batch, steps, features): {HOW_TO_GET_ONE}"
        )
    return model, first_recurrent_layer(model, path)


def first_recurrent_layer(model, path):
    """The model's first recurrent layer, checked to be one common/cells.py can compute."""
    recurrent_types = tuple(models.RECURRENT_LAYERS.values())
    recurrent_layers = [layer for layer in model.layers if isinstance(layer, recurrent_types)]
    if not recurrent_layers:
        raise UsageError(f"{path} has no SimpleRNN, LSTM or GRU layer to look inside")
    layer = recurrent_layers[0]
    config = layer.get_config()
    if (
        config["activation"] != "tanh"
        or config.get("recurrent_activation", "sigmoid") != "sigmoid"
        or not config["use_bias"]
        or not config.get("reset_after", True)
    ):
        raise UsageError(
            f"layer {layer.name!r} does not use Keras' default activations and biases, which "
            "common/cells.py computes"
        )
    if layer.get_weights()[0].shape[0] != model.input_shape[-1]:
        raise UsageError(
            f"layer {layer.name!r} does not read the model's input directly (an embedding or "
            "another layer sits in between): use a forecaster such as case 8-2's"
        )
    return layer
