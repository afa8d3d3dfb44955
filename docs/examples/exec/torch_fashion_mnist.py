#!/usr/bin/env python3
"""A real PyTorch training script as an ActorEvolve `exec:` fitness: the seed's MLP on a Fashion-MNIST subset.

    actorevolve search --fitness 'exec:python3 docs/examples/exec/torch_fashion_mnist.py'

Needs PyTorch (Debian: apt-get install python3-torch) and Fashion-MNIST's four IDX files (Debian:
apt-get install dataset-fashion-mnist, or set actorevolve.exec.args.data to their folder). Settings come from
actorevolve.exec.args: data, train_samples, validation_samples, test_samples, epochs, batch_size.
Input and output as in synthetic.py; asked for the winner's final evaluation ("final": {"epochs": N}) it trains on
training + validation data for N epochs and reports the accuracy on the test set.
In a rung ("rung": {"epochs": N, "checkpoint": FOLDER}, with actorevolve.ga.rungs and actorevolve.exec.max-epochs)
it trains to epoch N, continuing from its checkpoint in FOLDER when that holds one at no more than N epochs, and
leaves its checkpoint there: the weights, the optimiser's state, the random generator's state and the epoch, so the
continued training is the same, number for number, as one that never stopped.
"""
import gzip
import json
import os
import struct
import sys

import torch
from torch import nn

request = json.load(sys.stdin)
genes, args, final, rung = request["genes"], request.get("args") or {}, request["final"], request.get("rung")
torch.manual_seed(request["seed"])  # same run seed, same weights and batches: the search replays exactly
torch.set_num_threads(1)  # one core per ActorEvolve trainer slot
data = args.get("data", "/usr/share/datasets/fashion-mnist")


def idx(name, count):
    path = os.path.join(data, name)
    with (gzip.open(path) if os.path.exists(path) else open(path[:-3], "rb")) as f:
        magic = struct.unpack(">I", f.read(4))[0]
        dims = struct.unpack(">" + "I" * (magic & 0xFF), f.read(4 * (magic & 0xFF)))
        size = 1
        for d in dims[1:]:
            size *= d
        raw = f.read(min(count, dims[0]) * size)
    return torch.frombuffer(bytearray(raw), dtype=torch.uint8).reshape(-1, size)


train_n, valid_n = int(args.get("train_samples", 2000)), int(args.get("validation_samples", 1000))
images = idx("train-images-idx3-ubyte.gz", train_n + valid_n).float() / 255
labels = idx("train-labels-idx1-ubyte.gz", train_n + valid_n).long().flatten()
if final:
    train_x, train_y = images, labels
    test_n = int(args.get("test_samples", 2000))
    eval_x = idx("t10k-images-idx3-ubyte.gz", test_n).float() / 255
    eval_y = idx("t10k-labels-idx1-ubyte.gz", test_n).long().flatten()
else:
    train_x, train_y, eval_x, eval_y = images[:train_n], labels[:train_n], images[train_n:], labels[train_n:]

activations = {"relu": nn.ReLU, "elu": nn.ELU, "tanh": nn.Tanh, "sigmoid": nn.Sigmoid}
layers, width = [], train_x.shape[1]
for _ in range(genes["nb_layers"]):
    layers += [nn.Linear(width, genes["nb_neurons"]), activations[genes["activation"]](), nn.Dropout(0.2)]
    width = genes["nb_neurons"]
model = nn.Sequential(*layers, nn.Linear(width, 10))
optimizers = {"rmsprop": torch.optim.RMSprop, "adam": torch.optim.Adam, "sgd": torch.optim.SGD,
              "adagrad": torch.optim.Adagrad, "adadelta": torch.optim.Adadelta, "adamax": torch.optim.Adamax,
              "nadam": torch.optim.NAdam}
rates = {"sgd": 0.01, "adadelta": 1.0, "adagrad": 0.01, "rmsprop": 0.001}
optimizer = optimizers[genes["optimizer"]](model.parameters(), lr=rates.get(genes["optimizer"], 0.001))
loss_fn = nn.CrossEntropyLoss()
batch = int(args.get("batch_size", 64))


def evaluate():
    model.eval()
    with torch.no_grad():
        logits = model(eval_x)
        return (logits.argmax(1) == eval_y).float().mean().item(), loss_fn(logits, eval_y).item()


epochs = final["epochs"] if final else rung["epochs"] if rung else int(args.get("epochs", 2))
checkpoint = os.path.join(rung["checkpoint"], "checkpoint.pt") if rung and "checkpoint" in rung else None
trained = 0
if checkpoint and os.path.exists(checkpoint):
    saved = torch.load(checkpoint)
    if saved["epoch"] <= epochs:  # one past this rung is not used: train from scratch instead
        model.load_state_dict(saved["model"])
        optimizer.load_state_dict(saved["optimizer"])
        torch.set_rng_state(saved["rng"])  # the batches and dropout masks of the epochs to come
        trained = saved["epoch"]
if trained == epochs:  # the checkpoint is already at this rung
    accuracy, loss = evaluate()
for epoch in range(trained + 1, epochs + 1):
    model.train()
    order = torch.randperm(len(train_x))
    for start in range(0, len(train_x), batch):
        index = order[start:start + batch]
        optimizer.zero_grad()
        loss_fn(model(train_x[index]), train_y[index]).backward()
        optimizer.step()
    accuracy, loss = evaluate()
    print(json.dumps({"epoch": epoch, "accuracy": accuracy, "loss": loss}), flush=True)
if checkpoint:  # written beside and renamed into place: a kill leaves the old checkpoint or the new one
    torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(), "rng": torch.get_rng_state(),
                "epoch": epochs}, checkpoint + ".tmp")
    os.replace(checkpoint + ".tmp", checkpoint)
print(json.dumps({"result": {"accuracy": accuracy, "loss": loss, "epochs": epochs}}))
