"""Export a Graph to ONNX (placeholder filled in below)."""
OPSET = 17


def export(g, path, opset=OPSET):
    raise NotImplementedError("to_onnx")
