package api

import "mime/multipart"

// multipartFile is an uploaded file with the name the user gave it (which
// tells CSV from XLSX).
type multipartFile struct {
	multipart.File
	name string
}
