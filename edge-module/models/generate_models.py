#!/usr/bin/env python3
"""Generates the ONNX models the edge inference tests and benchmark use (nothing here is committed as .onnx).

    python3 generate_models.py OUT_DIR            # small test models
    python3 generate_models.py OUT_DIR --resnet50 # also the ResNet-50-shaped benchmark model (~100 MB)

Needs Debian's python3-onnx (onnx + numpy). Weights of the small models follow closed formulas that the C# tests
recompute on their own; the ResNet-50-shaped model has random weights (fixed seed) and only serves timing.
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OPSET = 13


def save(model, out_dir, name):
    model.opset_import[0].version = OPSET
    onnx.checker.check_model(model)
    path = os.path.join(out_dir, name)
    onnx.save(model, path)
    print(path)


def classifier_weights():
    """W[k, c] = ((31k + 17c) mod 23 - 11) / 50 for k < 192, c < 4; b[c] = (c - 1.5) / 10."""
    k = np.arange(192).reshape(192, 1)
    c = np.arange(4).reshape(1, 4)
    weights = (((31 * k + 17 * c) % 23) - 11) / 50.0
    bias = (np.arange(4) - 1.5) / 10.0
    return weights.astype(np.float32), bias.astype(np.float32)


def defect_classifier(out_dir):
    """image float32 [batch,3,8,8] -> Flatten -> MatMul W -> Add b -> Softmax -> probabilities [batch,4]."""
    weights, bias = classifier_weights()
    graph = helper.make_graph(
        [
            helper.make_node("Flatten", ["image"], ["flat"], axis=1),
            helper.make_node("MatMul", ["flat", "W"], ["scores"]),
            helper.make_node("Add", ["scores", "b"], ["logits"]),
            helper.make_node("Softmax", ["logits"], ["probabilities"], axis=1),
        ],
        "defect_classifier",
        [helper.make_tensor_value_info("image", TensorProto.FLOAT, ["batch", 3, 8, 8])],
        [helper.make_tensor_value_info("probabilities", TensorProto.FLOAT, ["batch", 4])],
        [numpy_helper.from_array(weights, "W"), numpy_helper.from_array(bias, "b")],
    )
    save(helper.make_model(graph, producer_name="dify-edge-tests"), out_dir, "defect_classifier.onnx")


def cast_uint8(out_dir):
    """pixels uint8 [batch,6] -> scaled = float(pixels) / 255 (float32), passthrough = pixels (uint8)."""
    graph = helper.make_graph(
        [
            helper.make_node("Cast", ["pixels"], ["as_float"], to=TensorProto.FLOAT),
            helper.make_node("Div", ["as_float", "d255"], ["scaled"]),
            helper.make_node("Identity", ["pixels"], ["passthrough"]),
        ],
        "cast_uint8",
        [helper.make_tensor_value_info("pixels", TensorProto.UINT8, ["batch", 6])],
        [
            helper.make_tensor_value_info("scaled", TensorProto.FLOAT, ["batch", 6]),
            helper.make_tensor_value_info("passthrough", TensorProto.UINT8, ["batch", 6]),
        ],
        [numpy_helper.from_array(np.array(255.0, dtype=np.float32), "d255")],
    )
    save(helper.make_model(graph, producer_name="dify-edge-tests"), out_dir, "cast_uint8.onnx")


def int64_affine(out_dir):
    """ids int64 [n] -> out = ids * 3 + 7 (int64)."""
    graph = helper.make_graph(
        [
            helper.make_node("Mul", ["ids", "three"], ["tripled"]),
            helper.make_node("Add", ["tripled", "seven"], ["out"]),
        ],
        "int64_affine",
        [helper.make_tensor_value_info("ids", TensorProto.INT64, ["n"])],
        [helper.make_tensor_value_info("out", TensorProto.INT64, ["n"])],
        [
            numpy_helper.from_array(np.array(3, dtype=np.int64), "three"),
            numpy_helper.from_array(np.array(7, dtype=np.int64), "seven"),
        ],
    )
    save(helper.make_model(graph, producer_name="dify-edge-tests"), out_dir, "int64_affine.onnx")


def two_in_two_out(out_dir):
    """a, b float32 [batch,3] -> sum = a + b [batch,3], dot = sum(a * b, axis 1) [batch]."""
    graph = helper.make_graph(
        [
            helper.make_node("Add", ["a", "b"], ["sum"]),
            helper.make_node("Mul", ["a", "b"], ["prod"]),
            helper.make_node("ReduceSum", ["prod", "axes"], ["dot"], keepdims=0),
        ],
        "two_in_two_out",
        [
            helper.make_tensor_value_info("a", TensorProto.FLOAT, ["batch", 3]),
            helper.make_tensor_value_info("b", TensorProto.FLOAT, ["batch", 3]),
        ],
        [
            helper.make_tensor_value_info("sum", TensorProto.FLOAT, ["batch", 3]),
            helper.make_tensor_value_info("dot", TensorProto.FLOAT, ["batch"]),
        ],
        [numpy_helper.from_array(np.array([1], dtype=np.int64), "axes")],
    )
    save(helper.make_model(graph, producer_name="dify-edge-tests"), out_dir, "two_in_two_out.onnx")


class ResNetBuilder:
    """ResNet-50 layer shapes (bottlenecks 3-4-6-3), batch norm folded into conv bias, random He-scaled weights."""

    def __init__(self, seed=50):
        self.rng = np.random.default_rng(seed)
        self.nodes = []
        self.initializers = []
        self.count = 0

    def name(self, kind):
        self.count += 1
        return f"{kind}{self.count}"

    def conv(self, x, cin, cout, kernel, stride=1, relu=True, gain=1.0):
        w = self.name("w")
        b = self.name("b")
        y = self.name("conv")
        std = gain * np.sqrt(2.0 / (cin * kernel * kernel))
        self.initializers.append(numpy_helper.from_array(
            (self.rng.standard_normal((cout, cin, kernel, kernel), dtype=np.float32) * std).astype(np.float32), w))
        self.initializers.append(numpy_helper.from_array(np.zeros(cout, dtype=np.float32), b))
        pad = kernel // 2
        self.nodes.append(helper.make_node("Conv", [x, w, b], [y], kernel_shape=[kernel, kernel],
                                           strides=[stride, stride], pads=[pad, pad, pad, pad]))
        return self.relu(y) if relu else y

    def relu(self, x):
        y = self.name("relu")
        self.nodes.append(helper.make_node("Relu", [x], [y]))
        return y

    def bottleneck(self, x, cin, width, stride):
        out = self.conv(x, cin, width, 1)
        out = self.conv(out, width, width, 3, stride)
        out = self.conv(out, width, width * 4, 1, relu=False, gain=0.2)
        shortcut = x if (stride == 1 and cin == width * 4) else self.conv(x, cin, width * 4, 1, stride, relu=False)
        y = self.name("add")
        self.nodes.append(helper.make_node("Add", [out, shortcut], [y]))
        return self.relu(y)

    def build(self):
        x = self.conv("input", 3, 64, 7, 2)
        pooled = self.name("maxpool")
        self.nodes.append(helper.make_node("MaxPool", [x], [pooled], kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1]))
        x, cin = pooled, 64
        for width, blocks, stride in [(64, 3, 1), (128, 4, 2), (256, 6, 2), (512, 3, 2)]:
            for i in range(blocks):
                x = self.bottleneck(x, cin, width, stride if i == 0 else 1)
                cin = width * 4
        self.nodes.append(helper.make_node("GlobalAveragePool", [x], ["gap"]))
        self.nodes.append(helper.make_node("Flatten", ["gap"], ["features"], axis=1))
        fc_w = (self.rng.standard_normal((2048, 1000), dtype=np.float32) * np.sqrt(1.0 / 2048)).astype(np.float32)
        self.initializers.append(numpy_helper.from_array(fc_w, "fc_w"))
        self.initializers.append(numpy_helper.from_array(np.zeros(1000, dtype=np.float32), "fc_b"))
        self.nodes.append(helper.make_node("Gemm", ["features", "fc_w", "fc_b"], ["logits"]))
        self.nodes.append(helper.make_node("Softmax", ["logits"], ["probabilities"], axis=1))
        graph = helper.make_graph(
            self.nodes, "resnet50_shaped",
            [helper.make_tensor_value_info("input", TensorProto.FLOAT, [1, 3, 224, 224])],
            [helper.make_tensor_value_info("probabilities", TensorProto.FLOAT, [1, 1000])],
            self.initializers)
        return helper.make_model(graph, producer_name="dify-edge-bench")


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    out_dir = argv[1]
    os.makedirs(out_dir, exist_ok=True)
    defect_classifier(out_dir)
    cast_uint8(out_dir)
    int64_affine(out_dir)
    two_in_two_out(out_dir)
    if "--resnet50" in argv[2:]:
        save(ResNetBuilder().build(), out_dir, "resnet50.onnx")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
