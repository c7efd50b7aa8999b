package api

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// apiSources parses api's own files, tests left out.
func apiSources(t *testing.T) (*token.FileSet, map[string]*ast.File) {
	t.Helper()
	fset := token.NewFileSet()
	files := map[string]*ast.File{}
	names, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range names {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		files[name] = f
	}
	return fset, files
}

// errorStatus reports an http.StatusXxx selector other than the success
// statuses a handler may answer with.
func errorStatus(e ast.Expr) (string, bool) {
	sel, ok := e.(*ast.SelectorExpr)
	if !ok || !strings.HasPrefix(sel.Sel.Name, "Status") {
		return "", false
	}
	if x, ok := sel.X.(*ast.Ident); !ok || x.Name != "http" {
		return "", false
	}
	switch sel.Sel.Name {
	case "StatusOK", "StatusCreated", "StatusAccepted", "StatusNoContent", "StatusPartialContent", "StatusNotModified":
		return "", false
	}
	return sel.Sel.Name, true
}

// TestStatusesOnlyFromTheErrorMap: outside errors.go no handler picks an
// error status: no echo.NewHTTPError, no problem built, no 4xx or 5xx
// handed to a call (c.JSON, c.NoContent, WriteHeader...). Handlers return
// errors; errors.go alone says what status each is.
func TestStatusesOnlyFromTheErrorMap(t *testing.T) {
	fset, files := apiSources(t)
	for name, f := range files {
		if name == "errors.go" {
			continue
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.CallExpr:
				if sel, ok := n.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "NewHTTPError" {
					t.Errorf("%s: echo.NewHTTPError outside errors.go", fset.Position(n.Pos()))
				}
				for _, a := range n.Args {
					if s, ok := errorStatus(a); ok {
						t.Errorf("%s: http.%s handed to a call outside errors.go", fset.Position(a.Pos()), s)
					}
				}
			case *ast.CompositeLit:
				if id, ok := n.Type.(*ast.Ident); ok && id.Name == "problem" {
					t.Errorf("%s: a problem built outside errors.go", fset.Position(n.Pos()))
				}
			}
			return true
		})
	}
}

// TestRoutesInOneFile: every route and every middleware is declared in
// routes.go, so one file shows what the service answers and how.
func TestRoutesInOneFile(t *testing.T) {
	declare := map[string]bool{"GET": true, "HEAD": true, "POST": true, "PUT": true, "PATCH": true, "DELETE": true,
		"OPTIONS": true, "Any": true, "Match": true, "Add": true, "Group": true, "Use": true, "Pre": true}
	fset, files := apiSources(t)
	for name, f := range files {
		if name == "routes.go" {
			continue
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			if sel, ok := call.Fun.(*ast.SelectorExpr); ok && declare[sel.Sel.Name] && len(call.Args) > 0 {
				if lit, ok := call.Args[0].(*ast.BasicLit); ok && lit.Kind == token.STRING || sel.Sel.Name == "Use" || sel.Sel.Name == "Pre" {
					t.Errorf("%s: %s outside routes.go", fset.Position(call.Pos()), sel.Sel.Name)
				}
			}
			return true
		})
	}
}

// TestEchoOnlyInAPI: no package but api imports Echo, so a move to
// another major version touches one package.
func TestEchoOnlyInAPI(t *testing.T) {
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("module root not found above api: %v", err)
	}
	fset := token.NewFileSet()
	checked := 0
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); p != root && (strings.HasPrefix(name, ".") || name == "testdata" || name == "node_modules" || p == filepath.Join(root, "api")) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(p, ".go") {
			return nil
		}
		f, err := parser.ParseFile(fset, p, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		checked++
		for _, imp := range f.Imports {
			if strings.Contains(imp.Path.Value, "github.com/labstack/") {
				t.Errorf("%s imports %s: Echo belongs to api only", p, imp.Path.Value)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked < 100 {
		t.Fatalf("only %d Go files found outside api: the walk missed the module", checked)
	}
}
