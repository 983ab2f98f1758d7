"""ONNX export: MLP, CNN and an RNN unrolled over a fixed length give onnxruntime's outputs within float32
tolerance (traced and optimized graphs both); an op with no ONNX form names itself."""
import numpy as np
import pytest
from static_models import MODELS, batch, classify_step, mlp

import tinygrad_edu as tg

onnx = pytest.importorskip("onnx")
ort = pytest.importorskip("onnxruntime")


@pytest.mark.parametrize("name", sorted(MODELS))
@pytest.mark.parametrize("optimized", [False, True])
def test_onnxruntime_matches(name, optimized, tmp_path):
    model, x = MODELS[name]()
    g = tg.trace(model, x)
    g = g.optimize()[0] if optimized else g
    proto = g.to_onnx(tmp_path / f"{name}.onnx")
    onnx.checker.check_model(proto)
    session = ort.InferenceSession(str(tmp_path / f"{name}.onnx"))
    (got,) = session.run(None, {"x": x.numpy()})
    np.testing.assert_allclose(got, model(x).numpy(), rtol=1e-5, atol=1e-6)


def test_indexing_exports(tmp_path):
    x = tg.randn(3, 4, 5)
    g = tg.trace(lambda x: x[None, 1, ..., ::2].tanh() + x[-1, :, None, -1:], x)
    g.to_onnx(tmp_path / "i.onnx")
    (got,) = ort.InferenceSession(str(tmp_path / "i.onnx")).run(None, {"x": x.numpy()})
    np.testing.assert_allclose(got, g(x).numpy(), rtol=1e-6, atol=1e-6)


def test_an_op_without_onnx_form_names_itself(tmp_path):
    g = tg.trace(lambda x: x.var(dim=1), tg.randn(3, 4))
    label = r"op 'var\[axis=\(1,\), keepdims=False, correction=1\]' \(Var\)"
    with pytest.raises(NotImplementedError, match=label):
        g.to_onnx(tmp_path / "v.onnx")


def test_training_graphs_are_refused(tmp_path):
    model, _ = mlp()
    g = tg.trace(classify_step(model, tg.optim.SGD(model.parameters(), lr=0.1)), *batch())
    with pytest.raises(ValueError, match="updates state"):
        g.to_onnx(tmp_path / "step.onnx")
