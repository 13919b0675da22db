// Workflow is the one Swift interface of the front ends (the C layer and the command): the types
// of its interface that live in lower layers (errors and budgets, volumes and NIfTI files) come
// with it, so that Package.swift can let the front ends depend on Workflow alone.
@_exported import Diagnostics
@_exported import NIfTI
