"""Where private files (identity documents, data exports) are kept."""

from django.core.files.storage import Storage


class _PrivateStorage(Storage):
    """Resolves settings.STORAGES["private"] on every call, so a settings change (tests, a
    different backend per environment) is honoured; FileField keeps the object it gets."""

    def _backend(self):
        from django.core.files.storage import storages

        return storages["private"]

    def open(self, name, mode="rb"):
        return self._backend().open(name, mode)

    def save(self, name, content, max_length=None):
        return self._backend().save(name, content, max_length=max_length)

    def generate_filename(self, filename):
        return self._backend().generate_filename(filename)

    def get_available_name(self, name, max_length=None):
        return self._backend().get_available_name(name, max_length=max_length)

    def delete(self, name):
        return self._backend().delete(name)

    def exists(self, name):
        return self._backend().exists(name)

    def listdir(self, path):
        return self._backend().listdir(path)

    def size(self, name):
        return self._backend().size(name)

    def path(self, name):
        return self._backend().path(name)

    def url(self, name):
        raise NotImplementedError(
            "Private files have no URL: serve them through pros:document_file."
        )


def private_storage():
    return _PrivateStorage()
