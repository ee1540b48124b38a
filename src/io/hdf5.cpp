#include "io/hdf5.hpp"

#include <fmt/core.h>

#include <mutex>
#include <numeric>
#include <optional>

#include "core/comm.hpp"
#include "core/errors.hpp"

namespace mspipe::io::h5 {

struct FileInfo {
  std::string name;      // the name users know (the final path, not the .tmp)
  bool parallel = false;
  int rank = 0;
};

namespace {

Handle make_plist(hid_t cls) {
  return Handle(H5Pcreate(cls), H5Pclose);
}

std::size_t product(const Dims& d) {
  return std::accumulate(d.begin(), d.end(), std::size_t{1},
                         [](std::size_t a, hsize_t b) { return a * static_cast<std::size_t>(b); });
}

std::string dims_text(const Dims& d) {
  std::string s = "(";
  for (std::size_t i = 0; i < d.size(); ++i) s += (i ? ", " : "") + std::to_string(d[i]);
  return s + ")";
}

// A dataset transfer property list: collective MPI-IO in a parallel file.
Handle transfer_plist(const FileInfo& f) {
  Handle p = make_plist(H5P_DATASET_XFER);
  if (f.parallel) H5Pset_dxpl_mpio(p.get(), H5FD_MPIO_COLLECTIVE);
  return p;
}

}  // namespace

void silence_hdf5_errors() {
  static std::once_flag once;
  std::call_once(once, [] { H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr); });
}

// ---- Handle -------------------------------------------------------------------------

Handle& Handle::operator=(Handle&& o) noexcept {
  if (this != &o) {
    reset();
    id_ = o.id_;
    close_ = o.close_;
    o.id_ = H5I_INVALID_HID;
  }
  return *this;
}

void Handle::reset() noexcept {
  if (id_ >= 0 && close_) close_(id_);
  id_ = H5I_INVALID_HID;
}

// ---- Object: attributes -------------------------------------------------------------

std::string Object::what() const { return fmt::format("{} '{}'", kind_, path_); }

void Object::fail(std::string_view message) const {
  const std::string file = file_ ? file_->name : std::string("<hdf5>");
  throw core::InputError(core::format_error(file, fmt::format("{}: {}", what(), message)));
}

void Object::fail_in_file(std::string_view message) const {
  const std::string file = file_ ? file_->name : std::string("<hdf5>");
  throw core::InputError(core::format_error(file, message));
}

bool Object::has_attribute(std::string_view name) const {
  return H5Aexists(id(), std::string(name).c_str()) > 0;
}

namespace {

// Creates (replacing an existing one) attribute `name` of `type` over `space`.
Handle create_attribute(const Object& o, std::string_view name, hid_t type, hid_t space) {
  const std::string n(name);
  if (H5Aexists(o.id(), n.c_str()) > 0) H5Adelete(o.id(), n.c_str());
  Handle a(H5Acreate2(o.id(), n.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT), H5Aclose);
  if (!a.valid()) o.fail(fmt::format("cannot create attribute '{}'", name));
  return a;
}

template <class T>
void write_numeric_attribute(const Object& o, std::string_view name, std::span<const T> v,
                             bool scalar) {
  const hsize_t n = v.size();
  Handle space(scalar ? H5Screate(H5S_SCALAR) : H5Screate_simple(1, &n, nullptr), H5Sclose);
  Handle a = create_attribute(o, name, file_type<T>(), space.get());
  if (H5Awrite(a.get(), native_type<T>(), v.data()) < 0)
    o.fail(fmt::format("cannot write attribute '{}'", name));
}

}  // namespace

void Object::write_attribute(std::string_view name, std::string_view value) const {
  Handle type(H5Tcopy(H5T_C_S1), H5Tclose);
  H5Tset_size(type.get(), std::max<std::size_t>(1, value.size()));
  H5Tset_strpad(type.get(), H5T_STR_NULLPAD);
  H5Tset_cset(type.get(), H5T_CSET_UTF8);
  Handle space(H5Screate(H5S_SCALAR), H5Sclose);
  Handle a = create_attribute(*this, name, type.get(), space.get());
  const std::string buf = value.empty() ? std::string(1, '\0') : std::string(value);
  if (H5Awrite(a.get(), type.get(), buf.data()) < 0)
    fail(fmt::format("cannot write attribute '{}'", name));
}

void Object::write_attribute(std::string_view name, double value) const {
  write_numeric_attribute<double>(*this, name, std::span<const double>(&value, 1), true);
}
void Object::write_attribute(std::string_view name, std::int64_t value) const {
  write_numeric_attribute<std::int64_t>(*this, name, std::span<const std::int64_t>(&value, 1), true);
}
void Object::write_attribute(std::string_view name, std::span<const double> values) const {
  write_numeric_attribute<double>(*this, name, values, false);
}
void Object::write_attribute(std::string_view name, std::span<const std::int64_t> values) const {
  write_numeric_attribute<std::int64_t>(*this, name, values, false);
}

namespace {
Handle open_attribute(const Object& o, std::string_view name) {
  const std::string n(name);
  if (H5Aexists(o.id(), n.c_str()) <= 0) o.fail(fmt::format("attribute '{}' is missing", name));
  Handle a(H5Aopen(o.id(), n.c_str(), H5P_DEFAULT), H5Aclose);
  if (!a.valid()) o.fail(fmt::format("cannot open attribute '{}'", name));
  return a;
}
}  // namespace

std::string Object::string_attribute(std::string_view name) const {
  Handle a = open_attribute(*this, name);
  Handle type(H5Aget_type(a.get()), H5Tclose);
  if (H5Tget_class(type.get()) != H5T_STRING)
    fail(fmt::format("attribute '{}' is not a string", name));
  if (H5Tis_variable_str(type.get()) > 0) {
    Handle mem(H5Tcopy(H5T_C_S1), H5Tclose);
    H5Tset_size(mem.get(), H5T_VARIABLE);
    H5Tset_cset(mem.get(), H5Tget_cset(type.get()));
    char* p = nullptr;
    if (H5Aread(a.get(), mem.get(), &p) < 0) fail(fmt::format("cannot read attribute '{}'", name));
    std::string s = p ? p : "";
    H5free_memory(p);
    return s;
  }
  const std::size_t n = H5Tget_size(type.get());
  std::string s(n, '\0');
  if (H5Aread(a.get(), type.get(), s.data()) < 0) fail(fmt::format("cannot read attribute '{}'", name));
  s.resize(std::min(s.size(), s.find('\0')));
  return s;
}

std::vector<double> Object::numbers_attribute(std::string_view name) const {
  Handle a = open_attribute(*this, name);
  Handle type(H5Aget_type(a.get()), H5Tclose);
  const auto cls = H5Tget_class(type.get());
  if (cls != H5T_INTEGER && cls != H5T_FLOAT)
    fail(fmt::format("attribute '{}' is not numeric", name));
  Handle space(H5Aget_space(a.get()), H5Sclose);
  const auto n = H5Sget_simple_extent_npoints(space.get());
  std::vector<double> v(static_cast<std::size_t>(std::max<hssize_t>(n, 0)));
  if (H5Aread(a.get(), H5T_NATIVE_DOUBLE, v.data()) < 0)
    fail(fmt::format("cannot read attribute '{}'", name));
  return v;
}

double Object::number_attribute(std::string_view name) const {
  const auto v = numbers_attribute(name);
  if (v.size() != 1) fail(fmt::format("attribute '{}' holds {} values, expected one", name, v.size()));
  return v[0];
}

std::int64_t Object::integer_attribute(std::string_view name) const {
  Handle a = open_attribute(*this, name);
  Handle type(H5Aget_type(a.get()), H5Tclose);
  if (H5Tget_class(type.get()) != H5T_INTEGER)
    fail(fmt::format("attribute '{}' is not an integer", name));
  Handle space(H5Aget_space(a.get()), H5Sclose);
  if (H5Sget_simple_extent_npoints(space.get()) != 1)
    fail(fmt::format("attribute '{}' is not a single value", name));
  std::int64_t v = 0;
  if (H5Aread(a.get(), H5T_NATIVE_INT64, &v) < 0) fail(fmt::format("cannot read attribute '{}'", name));
  return v;
}

// ---- Dataset -------------------------------------------------------------------------

Dims Dataset::dims() const {
  Handle space(H5Dget_space(id()), H5Sclose);
  const int r = H5Sget_simple_extent_ndims(space.get());
  if (r < 0) fail("cannot read its shape");
  Dims d(static_cast<std::size_t>(r));
  H5Sget_simple_extent_dims(space.get(), d.data(), nullptr);
  return d;
}

bool Dataset::stores(hid_t type) const {
  Handle t(H5Dget_type(id()), H5Tclose);
  return H5Tget_class(t.get()) == H5Tget_class(type) && H5Tget_size(t.get()) == H5Tget_size(type);
}

void Dataset::extend(const Dims& new_dims) {
  if (H5Dset_extent(id(), new_dims.data()) < 0)
    fail(fmt::format("cannot extend to {}", dims_text(new_dims)));
}

namespace {
// Selects [offset, offset + count) in the dataset's file space, or nothing for an empty
// block; returns (memory space, file space).
std::pair<Handle, Handle> select_block(const Dataset& d, const Dims& offset, const Dims& count,
                                       std::size_t buffer_values) {
  const Dims dims = d.dims();
  if (offset.size() != dims.size() || count.size() != dims.size())
    d.fail(fmt::format("block {} at {} does not match its rank {}", dims_text(count),
                       dims_text(offset), dims.size()));
  const std::size_t n = product(count);
  if (n != buffer_values)
    d.fail(fmt::format("buffer holds {} values, the block {} needs {}", buffer_values,
                       dims_text(count), n));
  Handle fspace(H5Dget_space(d.id()), H5Sclose);
  if (n == 0) {
    H5Sselect_none(fspace.get());
    Handle mspace(H5Scopy(fspace.get()), H5Sclose);
    H5Sselect_none(mspace.get());
    return {std::move(mspace), std::move(fspace)};
  }
  for (std::size_t i = 0; i < dims.size(); ++i)
    if (offset[i] + count[i] > dims[i])
      d.fail(fmt::format("block {} at {} exceeds its shape {}", dims_text(count), dims_text(offset),
                         dims_text(dims)));
  H5Sselect_hyperslab(fspace.get(), H5S_SELECT_SET, offset.data(), nullptr, count.data(), nullptr);
  Handle mspace(H5Screate_simple(static_cast<int>(count.size()), count.data(), nullptr), H5Sclose);
  return {std::move(mspace), std::move(fspace)};
}
}  // namespace

void Dataset::write_raw(hid_t mem_type, const void* data, std::size_t n, const Dims& offset,
                        const Dims& count) const {
  auto [mspace, fspace] = select_block(*this, offset, count, n);
  Handle xfer = transfer_plist(*file_);
  if (H5Dwrite(id(), mem_type, mspace.get(), fspace.get(), xfer.get(), data) < 0)
    fail(fmt::format("cannot write block {} at {}", dims_text(count), dims_text(offset)));
}

void Dataset::read_raw(hid_t mem_type, void* data, std::size_t n, const Dims& offset,
                       const Dims& count) const {
  auto [mspace, fspace] = select_block(*this, offset, count, n);
  Handle xfer = transfer_plist(*file_);
  if (H5Dread(id(), mem_type, mspace.get(), fspace.get(), xfer.get(), data) < 0)
    fail(fmt::format("cannot read block {} at {}", dims_text(count), dims_text(offset)));
}

void Dataset::write_whole(hid_t mem_type, const void* data, std::size_t n) const {
  const Dims d = dims();
  const bool mine = !file_->parallel || file_->rank == 0;
  Dims count = mine ? d : Dims(d.size(), 0);
  write_raw(mem_type, data, mine ? n : 0, Dims(d.size(), 0), count);
}

// ---- Group ---------------------------------------------------------------------------

std::string Group::child(std::string_view name) const {
  return path_ == "/" ? "/" + std::string(name) : path_ + "/" + std::string(name);
}

bool Group::has(std::string_view name) const {
  return H5Lexists(id(), std::string(name).c_str(), H5P_DEFAULT) > 0;
}

Group Group::create_group(std::string_view name) const {
  Handle gcpl = make_plist(H5P_GROUP_CREATE);
  H5Pset_obj_track_times(gcpl.get(), 0);  // no time stamps: identical runs, identical files
  Handle g(H5Gcreate2(id(), std::string(name).c_str(), H5P_DEFAULT, gcpl.get(), H5P_DEFAULT),
           H5Gclose);
  if (!g.valid()) fail(fmt::format("cannot create group '{}'", name));
  return Group(file_, std::move(g), child(name), "group");
}

Group Group::group(std::string_view name) const {
  if (!has(name)) fail_in_file(fmt::format("group '{}' is missing", child(name)));
  Handle g(H5Gopen2(id(), std::string(name).c_str(), H5P_DEFAULT), H5Gclose);
  if (!g.valid()) fail_in_file(fmt::format("'{}' is not a group", child(name)));
  return Group(file_, std::move(g), child(name), "group");
}

Dataset Group::dataset(std::string_view name) const {
  if (!has(name)) fail_in_file(fmt::format("dataset '{}' is missing", child(name)));
  Handle d(H5Dopen2(id(), std::string(name).c_str(), H5P_DEFAULT), H5Dclose);
  if (!d.valid()) fail_in_file(fmt::format("'{}' is not a dataset", child(name)));
  return Dataset(file_, std::move(d), child(name), "dataset");
}

Dataset Group::create_dataset_raw(std::string_view name, hid_t type, const Dims& dims,
                                  const DatasetOptions& opt) const {
  const std::string path = child(name);
  if (!opt.max_dims.empty() && opt.max_dims.size() != dims.size())
    fail(fmt::format("dataset '{}': max_dims rank differs from dims", path));
  if ((opt.deflate > 0 || !opt.max_dims.empty()) && opt.chunk.empty())
    fail(fmt::format("dataset '{}': compression and extendible shapes need chunks", path));
  Handle space(H5Screate_simple(static_cast<int>(dims.size()), dims.data(),
                                opt.max_dims.empty() ? nullptr : opt.max_dims.data()),
               H5Sclose);
  Handle dcpl = make_plist(H5P_DATASET_CREATE);
  H5Pset_obj_track_times(dcpl.get(), 0);
  if (!opt.chunk.empty()) {
    if (opt.chunk.size() != dims.size()) fail(fmt::format("dataset '{}': chunk rank differs", path));
    H5Pset_chunk(dcpl.get(), static_cast<int>(opt.chunk.size()), opt.chunk.data());
    if (opt.shuffle) H5Pset_shuffle(dcpl.get());
    if (opt.deflate > 0) H5Pset_deflate(dcpl.get(), static_cast<unsigned>(opt.deflate));
  }
  Handle d(H5Dcreate2(id(), std::string(name).c_str(), type, space.get(), H5P_DEFAULT, dcpl.get(),
                      H5P_DEFAULT),
           H5Dclose);
  if (!d.valid()) fail(fmt::format("cannot create dataset '{}' {}", path, dims_text(dims)));
  return Dataset(file_, std::move(d), path, "dataset");
}

// ---- File ----------------------------------------------------------------------------

File File::create(const std::filesystem::path& path) { return make(path, nullptr, true, true); }
File File::create(const std::filesystem::path& path, const core::Comm& comm) {
  return make(path, &comm, true, true);
}
File File::open(const std::filesystem::path& path, bool writable) {
  return make(path, nullptr, false, writable);
}
File File::open(const std::filesystem::path& path, const core::Comm& comm, bool writable) {
  return make(path, &comm, false, writable);
}

File File::make(const std::filesystem::path& path, const core::Comm* comm, bool create,
                bool writable) {
  silence_hdf5_errors();
  File f;
  f.info_ = std::make_shared<FileInfo>();
  f.info_->name = path.string();
  f.info_->parallel = comm != nullptr;
  f.info_->rank = comm ? comm->rank() : 0;
  if (comm) f.comm_ = comm->dup();
  f.created_ = create;
  f.final_path_ = path;
  f.open_path_ = create ? std::filesystem::path(path.string() + ".tmp") : path;

  Handle fapl = make_plist(H5P_FILE_ACCESS);
  if (comm) H5Pset_fapl_mpio(fapl.get(), comm->get(), MPI_INFO_NULL);
  const auto fail = [&](std::string_view what) {
    throw core::InputError(core::format_error(path.string(), what));
  };
  if (create) {
    Handle fcpl = make_plist(H5P_FILE_CREATE);
    f.file_ = Handle(H5Fcreate(f.open_path_.c_str(), H5F_ACC_TRUNC, fcpl.get(), fapl.get()), H5Fclose);
    if (!f.file_.valid()) fail(fmt::format("cannot create HDF5 file '{}'", f.open_path_.string()));
  } else {
    if (!std::filesystem::exists(path)) fail("no such file");
    if (H5Fis_hdf5(path.c_str()) <= 0) fail("not an HDF5 file");
    f.file_ = Handle(H5Fopen(path.c_str(), writable ? H5F_ACC_RDWR : H5F_ACC_RDONLY, fapl.get()),
                     H5Fclose);
    if (!f.file_.valid()) fail("cannot open HDF5 file");
  }
  Handle root(H5Gopen2(f.file_.get(), "/", H5P_DEFAULT), H5Gclose);
  f.root_ = Group(f.info_, std::move(root), "/", "group");
  return f;
}

File::File(File&& o) noexcept
    : info_(std::move(o.info_)),
      file_(std::move(o.file_)),
      root_(std::move(o.root_)),
      final_path_(std::move(o.final_path_)),
      open_path_(std::move(o.open_path_)),
      created_(o.created_),
      comm_(std::move(o.comm_)) {
  o.created_ = false;
}

File& File::operator=(File&& o) noexcept {
  if (this != &o) {
    discard();
    info_ = std::move(o.info_);
    file_ = std::move(o.file_);
    root_ = std::move(o.root_);
    final_path_ = std::move(o.final_path_);
    open_path_ = std::move(o.open_path_);
    created_ = o.created_;
    comm_ = std::move(o.comm_);
    o.created_ = false;
  }
  return *this;
}

File::~File() { discard(); }

bool File::parallel() const { return info_ && info_->parallel; }

void File::commit() {
  if (!file_.valid()) return;
  root_ = Group(info_, Handle(), "/", "group");
  // Release ownership first so that a failed close is not retried by the destructor.
  const hid_t id = file_.release();
  const bool closed = H5Fclose(id) >= 0;
  std::optional<std::string> err;
  if (!closed) err = core::format_error(final_path_.string(), "cannot close HDF5 file (objects still open?)");
  if (created_) {
    if (!comm_.is_null()) comm_.barrier();
    if (!err && (comm_.is_null() || comm_.rank() == 0)) {
      std::error_code ec;
      std::filesystem::rename(open_path_, final_path_, ec);
      if (ec) err = core::format_error(final_path_.string(), "cannot rename from .tmp: " + ec.message());
    }
    created_ = false;
  }
  if (!comm_.is_null()) core::raise_if_any(comm_, err, core::ExitCode::input);
  else if (err) throw core::InputError(*err);
}

void File::discard() noexcept {
  root_ = Group(info_, Handle(), "/", "group");
  file_.reset();
  if (created_ && (comm_.is_null() || comm_.rank() == 0)) {
    std::error_code ec;
    std::filesystem::remove(open_path_, ec);
  }
  created_ = false;
}

}  // namespace mspipe::io::h5
