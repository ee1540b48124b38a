#pragma once
// Small RAII wrappers over the HDF5 C API. Every failure becomes a core::InputError
// naming the file and the object ("ve.h5: error: dataset '/ve/euler': ..."); HDF5's
// own error stack printing is switched off.
//
// A file opened with a core::Comm uses the MPI-IO driver and every dataset transfer is
// collective: all ranks of the communicator must call write()/read() together (a rank
// with nothing to transfer passes an empty selection). Without a Comm the file is serial.
//
// Writers never leave a half-written file: File::create() writes `<name>.tmp`, and
// File::commit() closes it and renames it to `<name>`; a File destroyed without commit()
// removes its temporary file.
#include <hdf5.h>

#include <array>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "core/comm.hpp"

namespace mspipe::io::h5 {

using Dims = std::vector<hsize_t>;

// Owns one hid_t and closes it with the matching H5?close function.
class Handle {
 public:
  using Closer = herr_t (*)(hid_t);
  Handle() = default;
  Handle(hid_t id, Closer close) : id_(id), close_(close) {}
  ~Handle() { reset(); }
  Handle(Handle&& o) noexcept : id_(o.id_), close_(o.close_) { o.id_ = H5I_INVALID_HID; }
  Handle& operator=(Handle&& o) noexcept;
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  hid_t get() const { return id_; }
  bool valid() const { return id_ >= 0; }
  void reset() noexcept;
  // Gives up ownership without closing.
  hid_t release() noexcept {
    const hid_t id = id_;
    id_ = H5I_INVALID_HID;
    return id;
  }

 private:
  hid_t id_ = H5I_INVALID_HID;
  Closer close_ = nullptr;
};

// The HDF5 memory type of T (float, double, int8, int32, int64, uint8, uint64).
template <class T>
hid_t native_type() {
  if constexpr (std::is_same_v<T, float>) return H5T_NATIVE_FLOAT;
  else if constexpr (std::is_same_v<T, double>) return H5T_NATIVE_DOUBLE;
  else if constexpr (std::is_same_v<T, std::int8_t>) return H5T_NATIVE_INT8;
  else if constexpr (std::is_same_v<T, std::uint8_t>) return H5T_NATIVE_UINT8;
  else if constexpr (std::is_same_v<T, std::int32_t>) return H5T_NATIVE_INT32;
  else if constexpr (std::is_same_v<T, std::int64_t>) return H5T_NATIVE_INT64;
  else if constexpr (std::is_same_v<T, std::uint64_t>) return H5T_NATIVE_UINT64;
  else static_assert(sizeof(T) == 0, "no HDF5 type for this element type");
}
// The little-endian file type stored for T (files are the same on every machine).
template <class T>
hid_t file_type() {
  if constexpr (std::is_same_v<T, float>) return H5T_IEEE_F32LE;
  else if constexpr (std::is_same_v<T, double>) return H5T_IEEE_F64LE;
  else if constexpr (std::is_same_v<T, std::int8_t>) return H5T_STD_I8LE;
  else if constexpr (std::is_same_v<T, std::uint8_t>) return H5T_STD_U8LE;
  else if constexpr (std::is_same_v<T, std::int32_t>) return H5T_STD_I32LE;
  else if constexpr (std::is_same_v<T, std::int64_t>) return H5T_STD_I64LE;
  else if constexpr (std::is_same_v<T, std::uint64_t>) return H5T_STD_U64LE;
  else static_assert(sizeof(T) == 0, "no HDF5 type for this element type");
}

struct FileInfo;  // file name and transfer mode, shared by every object of one file

// Anything that carries attributes (a group, a dataset, the file's root group).
class Object {
 public:
  const std::string& path() const { return path_; }  // "/ve/euler"
  hid_t id() const { return handle_.get(); }

  bool has_attribute(std::string_view name) const;
  void write_attribute(std::string_view name, std::string_view value) const;
  void write_attribute(std::string_view name, const char* value) const {
    write_attribute(name, std::string_view(value));
  }
  void write_attribute(std::string_view name, double value) const;
  void write_attribute(std::string_view name, std::int64_t value) const;
  void write_attribute(std::string_view name, std::span<const double> values) const;
  void write_attribute(std::string_view name, std::span<const std::int64_t> values) const;

  std::string string_attribute(std::string_view name) const;
  double number_attribute(std::string_view name) const;       // any numeric type
  std::int64_t integer_attribute(std::string_view name) const;  // an integer type
  std::vector<double> numbers_attribute(std::string_view name) const;

  // "<file>: error: <what path>: <message>" as an InputError.
  [[noreturn]] void fail(std::string_view message) const;
  // "<file>: error: <message>" (for messages that name their object themselves).
  [[noreturn]] void fail_in_file(std::string_view message) const;

 protected:
  Object(std::shared_ptr<const FileInfo> file, Handle h, std::string path, std::string_view kind)
      : file_(std::move(file)), handle_(std::move(h)), path_(std::move(path)), kind_(kind) {}
  std::string what() const;  // "dataset '/ve/euler'"
  std::shared_ptr<const FileInfo> file_;
  Handle handle_;
  std::string path_;
  std::string_view kind_;
};

// Creation options of a dataset.
struct DatasetOptions {
  Dims chunk;               // empty: contiguous (fixed size only)
  int deflate = 0;          // 1..9 compresses (needs chunk); 0 stores raw
  bool shuffle = false;     // byte shuffle before deflate (helps floating-point data)
  Dims max_dims;            // empty: fixed size; H5S_UNLIMITED entries make it extendible
};

class Dataset : public Object {
 public:
  Dims dims() const;
  std::size_t rank() const { return dims().size(); }
  // Grows an extendible dataset (collective in a parallel file).
  void extend(const Dims& new_dims);

  // Writes `data` into the block [offset, offset + count). All ranks of a parallel file
  // call it together; a rank with nothing to write passes an empty count (any zero).
  template <class T>
  void write(std::span<const T> data, const Dims& offset, const Dims& count) const {
    write_raw(native_type<T>(), data.data(), data.size(), offset, count);
  }
  // Writes the whole dataset. In a parallel file this is collective and rank 0's data is
  // what gets written (the other ranks' `data` is ignored).
  template <class T>
  void write_all(std::span<const T> data) const {
    write_whole(native_type<T>(), data.data(), data.size());
  }
  template <class T>
  std::vector<T> read(const Dims& offset, const Dims& count) const {
    std::size_t n = 1;
    for (auto c : count) n *= c;
    std::vector<T> out(n);
    read_raw(native_type<T>(), out.data(), n, offset, count);
    return out;
  }
  template <class T>
  void read_into(std::span<T> out, const Dims& offset, const Dims& count) const {
    read_raw(native_type<T>(), out.data(), out.size(), offset, count);
  }
  template <class T>
  std::vector<T> read_all() const {
    const auto d = dims();
    return read<T>(Dims(d.size(), 0), d);
  }
  // The stored element class and size, e.g. to reject a float64 where float32 is needed.
  bool stores(hid_t file_or_native_type) const;

 private:
  friend class Group;
  using Object::Object;
  void write_raw(hid_t mem_type, const void* data, std::size_t n, const Dims& offset,
                 const Dims& count) const;
  void read_raw(hid_t mem_type, void* data, std::size_t n, const Dims& offset,
                const Dims& count) const;
  void write_whole(hid_t mem_type, const void* data, std::size_t n) const;
};

class Group : public Object {
 public:
  bool has(std::string_view name) const;  // a link of that name exists
  Group create_group(std::string_view name) const;
  Group group(std::string_view name) const;  // must exist
  template <class T>
  Dataset create_dataset(std::string_view name, const Dims& dims,
                         const DatasetOptions& opt = {}) const {
    return create_dataset_raw(name, file_type<T>(), dims, opt);
  }
  Dataset dataset(std::string_view name) const;  // must exist
  // Creates a dataset and writes all of `data` (in a parallel file: collective, rank 0's
  // data is written).
  template <class T>
  Dataset write_dataset(std::string_view name, const Dims& dims, std::span<const T> data,
                        const DatasetOptions& opt = {}) const;

 private:
  friend class File;
  using Object::Object;
  Dataset create_dataset_raw(std::string_view name, hid_t type, const Dims& dims,
                             const DatasetOptions& opt) const;
  std::string child(std::string_view name) const;
};

class File {
 public:
  // Creates `<path>.tmp` (truncating it); commit() renames it to `path`.
  static File create(const std::filesystem::path& path);
  static File create(const std::filesystem::path& path, const core::Comm& comm);
  // Opens an existing file for reading (or writing) in place.
  static File open(const std::filesystem::path& path, bool writable = false);
  static File open(const std::filesystem::path& path, const core::Comm& comm,
                   bool writable = false);

  File(File&&) noexcept;
  File& operator=(File&&) noexcept;
  ~File();

  const Group& root() const { return root_; }
  const std::filesystem::path& path() const { return final_path_; }
  bool parallel() const;
  // Closes the file (collectively when parallel) and, for a created file, renames the
  // temporary to the final name. Afterwards the object is empty.
  void commit();
  // Closes without renaming and removes a created file's temporary.
  void discard() noexcept;

 private:
  File() = default;
  static File make(const std::filesystem::path& path, const core::Comm* comm, bool create,
                   bool writable);
  std::shared_ptr<FileInfo> info_;
  Handle file_;
  Group root_{nullptr, Handle(), "/", "group"};
  std::filesystem::path final_path_, open_path_;
  bool created_ = false;
  core::Comm comm_;  // a duplicate for parallel files (commit() is collective); null otherwise
};

// Switches off HDF5's automatic error printing (once per process); called by File.
void silence_hdf5_errors();

template <class T>
Dataset Group::write_dataset(std::string_view name, const Dims& dims, std::span<const T> data,
                             const DatasetOptions& opt) const {
  Dataset d = create_dataset<T>(name, dims, opt);
  d.write_all<T>(data);
  return d;
}

}  // namespace mspipe::io::h5
