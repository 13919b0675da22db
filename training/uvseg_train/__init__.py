"""Recipe for uvseg's default model: task generator, batched network, training and evaluation."""
