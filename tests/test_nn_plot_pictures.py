"""nn.plot's matplotlib pictures and the live training plot (in a real Jupyter kernel)."""


import nbformat
import pytest
from svg_images import svg_of

from autograd_lite.nn import MLP, data, plot

pytest.importorskip("matplotlib")


def test_confusion_matrix_counts_by_hand():
    targets = [0, 0, 1, 2, 2, 2]
    predictions = [0, 1, 1, 2, 0, 2]
    assert plot.confusion_matrix(targets, predictions, 3) == [[1, 1, 0], [0, 1, 0], [1, 0, 2]]
    with pytest.raises(ValueError, match="sample 1 has class 3"):
        plot.confusion_matrix([0, 3], [0, 0], 3)
    with pytest.raises(ValueError, match="equally many"):
        plot.confusion_matrix([0], [0, 1], 2)


@pytest.mark.slow
def test_pictures_draw_what_they_are_given():
    matrix = [[5, 1], [0, 7]]
    ax = plot.plot_confusion_matrix(matrix)
    assert sorted(t.get_text() for t in ax.texts) == ["1", "5", "7"]  # zero cells left blank
    X, y = data.load_digits()
    figure = plot.plot_digits(X[:5], [f"label {t}" for t in y[:5]], columns=4)
    titled = [ax.get_title() for ax in figure.axes if ax.get_title()]
    assert titled == [f"label {t}" for t in y[:5]]
    assert len(figure.axes) == 8  # two rows of four, the last three blank
    image = figure.axes[0].images[0].get_array()
    assert image.shape == (8, 8) and float(image[0][2]) == X[0][2]
    with pytest.raises(ValueError, match="a title per image"):
        plot.plot_digits(X[:2], ["one"])
    X2, y2 = data.make_blobs(20, centers=[[0, 0], [3, 3]], seed=0)
    ax = plot.plot_decision_boundary(MLP(2, [2], seed=0), X2, y2, resolution=20)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["class 0", "class 1"]
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("x[0]", "x[1]")


def test_model_classifier_thresholds_and_argmax():
    binary = MLP(2, [1], output_activation="sigmoid", seed=0)
    neuron = binary.layers[0].neurons[0]
    neuron.w[0].data, neuron.w[1].data, neuron.b.data = 1.0, 0.0, 0.0
    classify = plot.model_classifier(binary)
    assert (classify(0.5, 0.0), classify(-0.5, 0.0)) == (1, 0)  # sigmoid output: 0.5
    several = MLP(2, [3], activation="relu", output_activation="linear", seed=0)
    for index, neuron in enumerate(several.layers[0].neurons):
        neuron.w[0].data, neuron.w[1].data, neuron.b.data = 0.0, 0.0, float(index == 2)
    assert plot.model_classifier(several)(1.0, 1.0) == 2


@pytest.mark.slow
def test_plot_true_updates_one_picture_in_place_in_jupyter():
    from nbclient import NotebookClient

    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_code_cell(
            "from autograd_lite.nn import MLP, data, optim, train\n"
            "X, y = data.make_moons(40, noise=0.1, seed=0)\n"
            "model = MLP(2, [4, 1], seed=0)\n"
            "history = train.fit(model, X, y, loss='binary_cross_entropy_with_logits',\n"
            "    optimizer=optim.Adam(model.parameters(), lr=0.05), epochs=12,\n"
            "    plot=True, progress=False, callbacks=[lambda h: None])\n"
            "print(history.epochs)"
        ),
        nbformat.v4.new_code_cell(
            "import matplotlib.pyplot as plt\n"
            "from autograd_lite.nn import plot\n"
            "plot.use_svg_figures()\n"
            "for _ in range(2):\n"
            "    plt.plot([1, 2, 3], [3, 1, 2]); plt.title('twice'); plt.show()"
        ),
    ]
    updates = []

    class Recording(NotebookClient):
        def process_message(self, msg, cell, cell_index):
            if msg["msg_type"] == "update_display_data":
                updates.append(msg["content"]["transient"]["display_id"])
            return super().process_message(msg, cell, cell_index)

    Recording(notebook, timeout=120, kernel_name="python3").execute()
    outputs = notebook.cells[0].outputs
    pictures = [o for o in outputs if o.output_type == "display_data"]
    assert len(pictures) == 1  # one picture, redrawn: no pile of outputs
    assert set(pictures[0].data) == {"text/html", "text/plain"}
    assert svg_of(pictures[0].data["text/html"]).lstrip().startswith(("<?xml", "<svg"))
    # 12 epochs, every max(1, 12 // 20) = 1 epoch: one display, then 11 updates of it.
    assert len(updates) == 11
    assert len(set(updates)) == 1  # always the same picture
    assert [o.text for o in outputs if o.output_type == "stream"] == ["12\n"]
    # use_svg_figures: each figure once, an image of its SVG (which an untrusted notebook
    # shows too): text as text, no date, the same on every drawing.
    first, second = (o.data for o in notebook.cells[1].outputs)
    assert set(first) == {"text/html", "text/plain"}
    svg = svg_of(first["text/html"])
    assert ">twice</text>" in svg and "DejaVuSans" not in svg and "dc:date" not in svg
    assert second["text/html"] == first["text/html"]


