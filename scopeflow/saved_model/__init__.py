"""TF1 SavedModels: builder, loader, signatures and TensorInfos, as TF Serving reads them."""
