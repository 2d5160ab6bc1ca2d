from sportello.core.sizes import file_size


def test_file_sizes_read_as_italian():
    assert file_size(1) == "1\u00a0byte"
    assert file_size(45) == "45\u00a0byte"
    assert file_size(392_000) == "382,8\u00a0KB"
