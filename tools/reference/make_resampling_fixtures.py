"""Reference resizes for the workflow's slice resampling (Tests/WorkflowTests/Fixtures/resampling.json).

uvseg resizes slices as PIL's bilinear filter does (the published UniverSeg examples were prepared
with PIL); torch's `interpolate(mode="bilinear", antialias=True, align_corners=False)` implements
the same filter (and `nearest-exact` PIL's nearest neighbour), so it serves as the independent
reference. Run from the repository root: python3 tools/reference/make_resampling_fixtures.py
"""
import json
import pathlib

import torch
import torch.nn.functional as F

# (source width, source height, target width, target height): enlarging, shrinking, and mixed.
CASES = [(5, 7, 16, 12), (13, 11, 4, 6), (9, 3, 4, 10), (6, 6, 6, 6)]


def main() -> None:
    generator = torch.Generator().manual_seed(4)
    cases = []
    for width, height, new_width, new_height in CASES:
        image = torch.rand(1, 1, height, width, generator=generator, dtype=torch.float64)
        labels = torch.randint(0, 4, (1, 1, height, width), generator=generator).double()
        linear = F.interpolate(image, size=(new_height, new_width), mode="bilinear", align_corners=False, antialias=True)
        nearest = F.interpolate(labels, size=(new_height, new_width), mode="nearest-exact")
        cases.append({
            "width": width, "height": height, "new_width": new_width, "new_height": new_height,
            "image": image.flatten().tolist(), "linear": linear.flatten().tolist(),
            "labels": labels.flatten().tolist(), "nearest": nearest.flatten().tolist(),
        })
    path = pathlib.Path("Tests/WorkflowTests/Fixtures/resampling.json")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"cases": cases}, indent=1) + "\n")


if __name__ == "__main__":
    main()
